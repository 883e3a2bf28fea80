// `repair`: under the append lock, rewrites a damaged transcript without the lines that cannot
// stay (not valid entries, seq out of order, duplicate ids, a torn tail) and relinks entries
// whose parent is gone to the entry before them. Every removed or rewritten line goes to the
// quarantine file, fsynced, before the new file is renamed into place (generation + 1).
// Does not repair the header or the archive file: a session whose header is unreadable is
// reported, not guessed at.

import type { FileHandle } from "node:fs/promises";
import { acquireAppendLock, type LockTiming } from "./append-lock.ts";
import { isNotFound, openForRead, replaceFile, writeAll } from "./durable-fs.ts";
import { encodeEntry, encodeHeader, parseEntry } from "./entry-codec.ts";
import { forwardLines, readAt } from "./file-lines.ts";
import { type QuarantineInput, quarantine } from "./quarantine.ts";
import { removeResidue } from "./residue.ts";
import type { SessionEntry, SessionHeader } from "./session-entry.ts";
import { readHeader, withReadHandle } from "./session-load.ts";
import type { SessionPaths } from "./session-paths.ts";
import type { Problem, RepairReport } from "./session-store.ts";

interface Planned {
  /** What goes into the new file, line by line. */
  readonly keep: ({ readonly offset: number; readonly length: number } | { readonly text: string })[];
  readonly removed: Problem[];
  readonly quarantined: QuarantineInput[];
  readonly relinked: number;
}

async function archivedIds(paths: SessionPaths, header: SessionHeader): Promise<Set<string>> {
  const ids = new Set<string>();
  if (header.archive.bytes === 0) return ids;
  let archive: FileHandle;
  try {
    archive = await openForRead(paths.archive);
  } catch (error) {
    if (isNotFound(error)) return ids;
    throw error;
  }
  try {
    for await (const line of forwardLines(archive, 0, header.archive.bytes)) {
      const parsed = parseEntry(line.text);
      if (parsed.ok) ids.add(parsed.entry.id);
    }
  } finally {
    await archive.close();
  }
  return ids;
}

async function plan(
  paths: SessionPaths,
  handle: FileHandle,
  header: SessionHeader,
  headerEnd: number,
  size: number,
): Promise<Planned> {
  const ids = await archivedIds(paths, header);
  const keep: Planned["keep"] = [];
  const removed: Problem[] = [];
  const quarantined: QuarantineInput[] = [];
  let relinked = 0;
  let lastSeq = header.archive.throughSeq;
  let lastId: string | null = null;
  let lineNumber = 1;
  const drop = async (offset: number, length: number, reason: string): Promise<void> => {
    removed.push({ file: paths.file, line: lineNumber, offset, message: reason });
    const bytes = await readAt(handle, offset, length);
    quarantined.push({
      file: "transcript",
      generation: header.generation,
      offset,
      line: lineNumber,
      reason,
      bytes,
    });
  };
  const lines = forwardLines(handle, headerEnd, size);
  for (;;) {
    const next = await lines.next();
    lineNumber += 1;
    if (next.done === true) {
      const tail = next.value.tailOffset;
      if (tail !== undefined) await drop(tail, size - tail, "torn tail");
      break;
    }
    const line = next.value;
    const parsed = parseEntry(line.text);
    if (!parsed.ok) {
      await drop(line.offset, line.length, `not a valid entry: ${parsed.problem}`);
      continue;
    }
    let entry: SessionEntry = parsed.entry;
    if (entry.seq <= lastSeq) {
      await drop(line.offset, line.length, `seq ${entry.seq} does not follow seq ${lastSeq}`);
      continue;
    }
    if (ids.has(entry.id)) {
      await drop(line.offset, line.length, `entry id ${entry.id} appears twice`);
      continue;
    }
    const badParent = entry.parentId !== null && !ids.has(entry.parentId);
    const badKept = entry.type === "compaction" && entry.firstKeptId !== null && !ids.has(entry.firstKeptId);
    if (badParent || badKept) {
      const reasons: string[] = [];
      if (badParent) {
        reasons.push(`parent ${entry.parentId} is gone; relinked to ${lastId ?? "the root"}`);
        entry = { ...entry, parentId: lastId };
      }
      if (badKept && entry.type === "compaction") {
        reasons.push(
          `first kept entry ${entry.firstKeptId} is gone; the summary now stands for everything before it`,
        );
        entry = { ...entry, firstKeptId: null, firstKeptSeq: null };
      }
      await drop(line.offset, line.length, `original line rewritten: ${reasons.join("; ")}`);
      keep.push({ text: encodeEntry(entry) });
      relinked += 1;
    } else {
      keep.push({ offset: line.offset, length: line.length });
    }
    ids.add(entry.id);
    lastSeq = entry.seq;
    lastId = entry.id;
  }
  return { keep, removed, quarantined, relinked };
}

export async function repairSession(paths: SessionPaths, timing: LockTiming): Promise<RepairReport> {
  const lock = await acquireAppendLock(paths.lock, timing);
  try {
    return await withReadHandle(paths, async (handle) => {
      const size = (await handle.stat()).size;
      const { header, headerEnd } = await readHeader(paths, handle, size);
      const planned = await plan(paths, handle, header, headerEnd, size);
      const report = {
        sessionId: paths.id,
        removed: planned.removed,
        relinked: planned.relinked,
        quarantineFile: paths.quarantine,
      };
      if (planned.quarantined.length === 0)
        return { ...report, repaired: false, generation: header.generation };
      await removeResidue(paths);
      const next: SessionHeader = { ...header, generation: header.generation + 1 };
      await replaceFile(
        paths.file,
        paths.tempPrefix,
        async (out) => {
          await writeAll(out, Buffer.from(encodeHeader(next)));
          for (const item of planned.keep) {
            await writeAll(
              out,
              "text" in item ? Buffer.from(item.text) : await readAt(handle, item.offset, item.length),
            );
          }
        },
        () => quarantine(paths, planned.quarantined),
      );
      return { ...report, repaired: true, generation: next.generation };
    });
  } finally {
    await lock.release();
  }
}
