// Writes a long-lived session's transcript straight to disk in the documented format
// (docs/session-format.md), fast enough for a million entries: a header, then turns of four
// entries each (turn start with its lease token, user message, assistant message with provider
// metadata, turn end), a note now and then, an append-only compaction near the end and a few
// turns after it, and the lease file whose token continues after the last turn. The result is
// what `store.verify()` accepts and what a store that ran for months would have written.
import { mkdir, open, writeFile } from "node:fs/promises";
import { encodeEntry, encodeHeader } from "../../src/session/entry-codec.ts";
import type { SessionEntry } from "../../src/session/session-entry.ts";
import { sessionPaths } from "../../src/session/session-paths.ts";

type Unassigned = SessionEntry extends infer Entry
  ? Entry extends SessionEntry
    ? Omit<Entry, "seq" | "id" | "parentId" | "timestamp">
    : never
  : never;

export interface GeneratedTranscript {
  readonly entries: number;
  readonly bytes: number;
  /** Entries on the context path (compaction's first kept entry to the leaf). */
  readonly contextEntries: number;
  readonly ms: number;
}

/** Entries kept in the context by the compaction, and entries written after it. */
const keptBeforeCompaction = 40;
const turnsAfterCompaction = 5;

const question = "Which provider should take the retry after a quota 429";
const answer = "The next healthy one; the exhausted provider is skipped until its reset.";

/**
 * Writes session `id` into `dir` with exactly `entries` entries (at least 100).
 * @example await writeTranscript(dir, "size-1000", 1000);
 */
export async function writeTranscript(
  dir: string,
  id: string,
  entries: number,
): Promise<GeneratedTranscript> {
  if (entries < 100) throw new Error(`writeTranscript: need at least 100 entries, got ${entries}`);
  const started = performance.now();
  const paths = sessionPaths(dir, id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = await open(paths.file, "wx", 0o600);
  const base = Date.UTC(2025, 0, 1);
  let chunk: string[] = [];
  let chunkBytes = 0;
  let bytes = 0;
  let seq = 0;
  let parentId: string | null = null;
  let token = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const buffer = Buffer.from(chunk.join(""));
    await file.write(buffer);
    bytes += buffer.length;
    chunk = [];
    chunkBytes = 0;
  };
  const push = async (line: string): Promise<void> => {
    chunk.push(line);
    chunkBytes += line.length;
    if (chunkBytes >= 4 * 2 ** 20) await flush();
  };
  const add = async (draft: Unassigned): Promise<SessionEntry> => {
    seq += 1;
    const entry = {
      ...draft,
      seq,
      id: seq.toString(16).padStart(16, "0"),
      parentId,
      timestamp: new Date(base + seq * 1_000).toISOString(),
    } as SessionEntry;
    parentId = entry.id;
    await push(encodeEntry(entry));
    return entry;
  };
  const turn = async (): Promise<void> => {
    token += 1;
    const turnId = `00000000-0000-4000-8000-${token.toString(16).padStart(12, "0")}`;
    await add({ type: "turn", turnId, phase: "start", token });
    await add({
      type: "message",
      turnId,
      message: { role: "user", content: `${question} (turn ${token})?` },
    });
    await add({
      type: "message",
      turnId,
      message: {
        role: "assistant",
        content: [{ type: "text", text: answer }],
        origin: { provider: "deepseek", api: "openai-chat", model: "deepseek-v4-pro" },
      },
      provider: "deepseek",
      model: "deepseek-v4-pro",
      credentialId: "main",
      usage: { inputTokens: 1200 + (token % 800), outputTokens: 38 },
      finishReason: "stop",
    });
    await add({ type: "turn", turnId, phase: "end", outcome: "completed" });
  };
  const tail = 1 + turnsAfterCompaction * 4;
  try {
    await push(
      encodeHeader({
        type: "session",
        format: "baton-session",
        version: 1,
        id,
        createdAt: new Date(base).toISOString(),
        generation: 0,
        archive: { bytes: 0, throughSeq: 0 },
      }),
    );
    // Turns (and a memory-sync note every 25 turns) up to the compaction.
    while (seq < entries - tail) {
      const left = entries - tail - seq;
      if (left >= 4) await turn();
      else await add({ type: "note", text: `memory sync ${seq}`, author: "memory-sync", kind: "sync" });
      if (token % 25 === 0 && seq < entries - tail) {
        await add({
          type: "note",
          text: `memory sync after turn ${token}`,
          author: "memory-sync",
          kind: "sync",
        });
      }
    }
    const firstKeptSeq = seq - keptBeforeCompaction + 1;
    await add({
      type: "compaction",
      summary: "The user and the assistant discussed retry budgets, quotas and provider failover.",
      firstKeptId: firstKeptSeq.toString(16).padStart(16, "0"),
      firstKeptSeq,
      covers: { fromSeq: 1, throughSeq: firstKeptSeq - 1, entries: firstKeptSeq - 1 },
      rewrite: false,
    });
    for (let index = 0; index < turnsAfterCompaction; index += 1) await turn();
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  await writeFile(paths.lease, `${JSON.stringify({ token, holder: null })}\n`, { mode: 0o600 });
  if (seq !== entries) throw new Error(`writeTranscript: wrote ${seq} entries, wanted ${entries}`);
  return {
    entries: seq,
    bytes: bytes,
    contextEntries: keptBeforeCompaction + tail,
    ms: performance.now() - started,
  };
}
