// The in-memory view of a session's live part: the loaded entries (from the latest compaction's
// first kept entry to the leaf), their byte offsets in the current generation's file, and the
// path from the leaf back to where the context starts. Pure; offsets are only meaningful for
// the file generation they were read from.
import type { ConversationMessage } from "../providers/conversation.ts";
import type { CompactionEntry, SessionEntry } from "./session-entry.ts";

/** An entry as read from (or written to) the file. */
export interface LoadedEntry {
  readonly entry: SessionEntry;
  /** Byte offset of the entry's line in the file of the generation it was read from. */
  readonly offset: number;
}

/** What a turn builds its model request from. */
export interface SessionContext {
  readonly sessionId: string;
  readonly generation: number;
  /** The path from the first kept entry (or the root) to the leaf, in order. */
  readonly entries: readonly SessionEntry[];
  /** The latest compaction on the path, whose summary stands in for everything before `entries`. */
  readonly compaction?: CompactionEntry;
  readonly leafId: string | null;
  readonly lastSeq: number;
}

export type WalkResult =
  | { readonly status: "complete" }
  | { readonly status: "missing"; readonly missingId: string; readonly childId: string };

/**
 * Walks parent links from the leaf until the context's start: the latest compaction's first kept
 * entry, or the root. Resumable: when a parent is not loaded yet, `advance` reports it and
 * continues from there on the next call (used while reading a file backwards).
 */
export class PathWalker {
  private readonly reversed: SessionEntry[] = [];
  private current: string | null;
  private stopAt: string | null | undefined;
  private done = false;
  compaction: CompactionEntry | undefined;

  constructor(leafId: string | null) {
    this.current = leafId;
    if (leafId === null) this.done = true;
  }

  advance(lookup: (id: string) => SessionEntry | undefined): WalkResult {
    while (!this.done && this.current !== null) {
      const entry = lookup(this.current);
      if (entry === undefined) {
        const child = this.reversed.at(-1);
        return { status: "missing", missingId: this.current, childId: child?.id ?? this.current };
      }
      this.reversed.push(entry);
      if (this.compaction === undefined && entry.type === "compaction") {
        this.compaction = entry;
        this.stopAt = entry.firstKeptId;
        if (entry.firstKeptId === null) this.done = true;
      } else if (this.stopAt !== undefined && entry.id === this.stopAt) {
        this.done = true;
      }
      this.current = entry.parentId;
    }
    this.done = true;
    return { status: "complete" };
  }

  /** Treat the missing parent as the start (it was archived). */
  stopHere(): void {
    this.done = true;
  }

  path(): SessionEntry[] {
    return [...this.reversed].reverse();
  }
}

/** Loaded entries in seq order, kept in step with the file by the session handle. */
export class LiveContext {
  private records: LoadedEntry[];
  private readonly byId = new Map<string, LoadedEntry>();

  constructor(records: readonly LoadedEntry[]) {
    this.records = [...records];
    for (const record of this.records) this.byId.set(record.entry.id, record);
  }

  get lastSeq(): number {
    return this.records.at(-1)?.entry.seq ?? 0;
  }

  get leafId(): string | null {
    return this.records.at(-1)?.entry.id ?? null;
  }

  get size(): number {
    return this.records.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): LoadedEntry | undefined {
    return this.byId.get(id);
  }

  /** Appends an entry at the tail; its seq must be above every loaded one. */
  add(record: LoadedEntry): void {
    if (record.entry.seq <= this.lastSeq) {
      throw new Error(`seq ${record.entry.seq} does not follow ${this.lastSeq}`);
    }
    this.records.push(record);
    this.byId.set(record.entry.id, record);
  }

  /** The path from the context's start to the leaf. Drops loaded entries older than it. */
  walk(): { entries: SessionEntry[]; compaction?: CompactionEntry } {
    const walker = new PathWalker(this.leafId);
    const result = walker.advance((id) => this.byId.get(id)?.entry);
    if (result.status === "missing") walker.stopHere();
    const entries = walker.path();
    const first = entries[0];
    if (first !== undefined && this.records[0] !== undefined && this.records[0].entry.seq < first.seq) {
      const keepFrom = this.records.findIndex((record) => record.entry.seq >= first.seq);
      for (const dropped of this.records.slice(0, keepFrom)) this.byId.delete(dropped.entry.id);
      this.records = this.records.slice(keepFrom);
    }
    return walker.compaction === undefined ? { entries } : { entries, compaction: walker.compaction };
  }

  /** Loaded entries with seq in [fromSeq, toSeq), in order. */
  range(fromSeq: number, toSeq: number): LoadedEntry[] {
    return this.records.filter((record) => record.entry.seq >= fromSeq && record.entry.seq < toSeq);
  }

  all(): readonly LoadedEntry[] {
    return this.records;
  }
}

/** The text put before a compaction summary when it becomes a message. */
export const summaryPreamble = "Summary of the earlier part of this conversation:\n\n";

/**
 * The conversation a model sees for a context: the latest compaction's summary (as a user
 * message), then every message entry on the path. Notes, turn markers and older compactions
 * are not part of the conversation.
 */
export function contextMessages(
  context: Pick<SessionContext, "entries" | "compaction">,
): ConversationMessage[] {
  const messages: ConversationMessage[] = [];
  if (context.compaction !== undefined) {
    messages.push({ role: "user", content: `${summaryPreamble}${context.compaction.summary}` });
  }
  for (const entry of context.entries) {
    if (entry.type === "message") messages.push(entry.message);
  }
  return messages;
}
