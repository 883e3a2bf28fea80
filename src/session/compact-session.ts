// Compaction from any process: read the context, ask the caller's summariser for a summary of
// the old part (without holding any lock), then under the append lock write a compaction entry
// on top of the current leaf. With `rewrite` (the default) the summarised entries move to the
// archive file and the transcript is rewritten (temp file, fsync, rename, fsync folder,
// generation + 1); other writers notice the new generation and rebase. If another rewrite or
// compaction landed while the summariser ran, the attempt starts over (at most three times).
//
// Does not protect against a summariser that misrepresents the conversation; the summarised
// entries stay in the archive file, so nothing is lost.
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { type CompactionPlan, planCompaction, summarisable } from "./compaction-plan.ts";
import { copyRange, fileMode, replaceFile, writeAll } from "./durable-fs.ts";
import { encodeEntry, encodeHeader, parseEntry } from "./entry-codec.ts";
import { backwardLines } from "./file-lines.ts";
import type { JsonlSession } from "./jsonl-session.ts";
import { removeResidue } from "./residue.ts";
import type { CompactionEntry, SessionEntry, SessionHeader } from "./session-entry.ts";
import { SessionCorruptError, SessionError } from "./session-errors.ts";
import { loadSession, withReadHandle } from "./session-load.ts";
import { repairCommand } from "./session-paths.ts";
import type { CompactOptions, CompactResult, Summariser } from "./session-store.ts";
import { leaseAvailability, readLease } from "./turn-lease.ts";

const attempts = 3;

async function runningTurnId(session: JsonlSession): Promise<string | undefined> {
  const availability = leaseAvailability(await readLease(session.paths), session.options.leaseTimeoutMs);
  return availability.kind === "held" ? availability.holder.turnId : undefined;
}

export async function compactSession(
  session: JsonlSession,
  summarise: Summariser,
  options: CompactOptions,
): Promise<CompactResult> {
  const keepRecent = options.keepRecent ?? 20;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const context = await session.refresh();
    const plan = planCompaction(context.entries, keepRecent, await runningTurnId(session));
    if (plan === undefined) return { compacted: false, reason: "nothing-to-compact" };
    const summary = await summarise({
      sessionId: session.id,
      ...(context.compaction === undefined ? {} : { previousSummary: context.compaction.summary }),
      entries: summarisable(plan),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (typeof summary !== "string") throw new TypeError("the summariser must resolve to a string");
    const result = await session.serial(() =>
      session.locked(async (handle, lock) => {
        const sync = await session.syncLocked(handle);
        if (sync.rebased || sync.contextChanged) return undefined;
        const running = await runningTurnId(session);
        const firstKept = keptStart(session, plan, context.lastSeq);
        if (running !== undefined && firstKept !== undefined) {
          const start = session.live.all().find((record) => record.entry.turnId === running);
          if (start !== undefined && start.entry.seq < firstKept.seq) return undefined;
        }
        const [entry] = session.build([
          compactionDraft(plan, firstKept, summary, options.rewrite !== false),
        ]) as [CompactionEntry];
        if (options.rewrite === false) {
          await session.writeEntries(handle, lock, [entry]);
          return { compacted: true as const, entry, archived: 0, generation: session.header.generation };
        }
        await removeResidue(session.paths);
        const archived = await rewrite(session, handle, entry, firstKept, async () => {
          if (!(await lock.stillHeld())) {
            throw new SessionError(
              "lock_timeout",
              `the append lock ${session.paths.lock} was broken during a rewrite; nothing was changed`,
            );
          }
        });
        return { compacted: true as const, entry, archived, generation: session.header.generation };
      }, options.signal),
    );
    if (result !== undefined) return result;
  }
  return { compacted: false, reason: "superseded" };
}

/** The first kept entry: the plan's, or the first entry others appended after the snapshot. */
function keptStart(
  session: JsonlSession,
  plan: CompactionPlan,
  snapshotLastSeq: number,
): SessionEntry | undefined {
  if (plan.firstKept !== undefined) return plan.firstKept;
  return session.live.all().find((record) => record.entry.seq > snapshotLastSeq)?.entry;
}

function compactionDraft(
  plan: CompactionPlan,
  firstKept: SessionEntry | undefined,
  summary: string,
  rewrite: boolean,
): Omit<CompactionEntry, "seq" | "id" | "parentId" | "timestamp"> {
  const first = plan.old[0] as SessionEntry;
  const last = plan.old.at(-1) as SessionEntry;
  return {
    type: "compaction",
    summary,
    firstKeptId: firstKept?.id ?? null,
    firstKeptSeq: firstKept?.seq ?? null,
    covers: { fromSeq: first.seq, throughSeq: last.seq, entries: plan.old.length },
    rewrite,
  };
}

/** `seq` of the last complete line before `offset`, or undefined when there is none. */
async function seqBefore(handle: FileHandle, from: number, offset: number): Promise<number | undefined> {
  for await (const line of backwardLines(handle, from, offset)) {
    const parsed = parseEntry(line.text);
    return parsed.ok ? parsed.entry.seq : undefined;
  }
  return undefined;
}

/**
 * Moves [header end, first kept) to the archive and replaces the transcript with header
 * (generation + 1) + kept lines + the compaction entry. Returns how many entries were archived.
 */
async function rewrite(
  session: JsonlSession,
  handle: FileHandle,
  entry: CompactionEntry,
  firstKept: SessionEntry | undefined,
  beforeRename: () => Promise<void>,
): Promise<number> {
  const paths = session.paths;
  const header = session.header;
  const keptOffset =
    firstKept === undefined ? session.end : (session.live.get(firstKept.id)?.offset ?? session.end);
  const archivedBytes = keptOffset - session.headerEnd;
  const lastArchivedSeq =
    (await seqBefore(handle, session.headerEnd, keptOffset)) ?? header.archive.throughSeq;
  let archivedLines = 0;
  const archive = await open(paths.archive, constants.O_RDWR | constants.O_CREAT, fileMode);
  try {
    const size = (await archive.stat()).size;
    if (size < header.archive.bytes) {
      throw new SessionCorruptError(
        `the archive ${paths.archive} holds ${size} bytes but the header says ${header.archive.bytes}`,
        { file: paths.file, line: 1, repairCommand: repairCommand(paths) },
      );
    }
    // Bytes past the recorded length are the residue of a rewrite that never got renamed.
    if (size > header.archive.bytes) await archive.truncate(header.archive.bytes);
    archivedLines = await copyRange(handle, session.headerEnd, keptOffset, archive, header.archive.bytes);
    await archive.sync();
  } finally {
    await archive.close();
  }
  const next: SessionHeader = {
    ...header,
    generation: header.generation + 1,
    archive: { bytes: header.archive.bytes + archivedBytes, throughSeq: lastArchivedSeq },
  };
  await replaceFile(
    paths.file,
    paths.tempPrefix,
    async (out) => {
      await writeAll(out, Buffer.from(encodeHeader(next)));
      await copyRange(handle, keptOffset, session.end, out);
      await writeAll(out, Buffer.from(encodeEntry(entry)));
    },
    beforeRename,
  );
  session.adopt(await withReadHandle(paths, (reopened) => loadSession(paths, reopened)));
  return archivedLines;
}
