// The session store's interface: what the turn runner, background writers and the CLI call.
// Types only. The JSONL file store (jsonl-session-store.ts) is the default implementation; a
// database store (a row per entry, `(session_id, seq)` unique, the fencing token checked in the
// same transaction) must fit behind the same interface and pass the same tests.
import type { SessionContext } from "./live-context.ts";
import type {
  CompactionEntry,
  EntryDraft,
  NoteDraft,
  SessionEntry,
  SessionHeader,
  TurnOutcome,
} from "./session-entry.ts";

export interface AppendResult {
  /** The entries written, with the `seq`, `id` and `parentId` the store assigned. */
  readonly entries: readonly SessionEntry[];
  /** Entries other writers appended since this handle last looked, now part of the context. */
  readonly integrated: readonly SessionEntry[];
  /** True when a rewrite (compaction, repair) happened since; the handle reloaded and rebased. */
  readonly rebased: boolean;
  /** True when a new compaction changed what the context starts from: rebuild the request. */
  readonly contextChanged: boolean;
  readonly generation: number;
}

export interface BeginTurnOptions {
  /** Defaults to a random id. */
  readonly turnId?: string;
  /** Wait for another process's turn to end (default true). False fails fast with `session_busy`. */
  readonly wait?: boolean;
  /** Longest wait for the lease, in ms (default: no limit beyond `signal`). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A running turn: holds the session's lease (fencing token) until `end` or `release`. */
export interface SessionTurn {
  readonly turnId: string;
  /** The fencing token; a later turn always gets a larger one. */
  readonly token: number;
  /** Appends entries on top of the current leaf. Throws `SessionConflictError` once fenced. */
  append(drafts: readonly EntryDraft[]): Promise<AppendResult>;
  /** Writes the turn's end entry, makes it durable (for durability `turn-end`) and releases the lease. */
  end(outcome: TurnOutcome, detail?: string): Promise<AppendResult>;
  /** Releases the lease without an end entry (idempotent; a no-op once fenced). */
  release(): Promise<void>;
}

export interface SummaryRequest {
  readonly sessionId: string;
  /** The summary the previous compaction wrote, which the new one replaces. */
  readonly previousSummary?: string;
  /** The entries being summarised, in path order (compaction entries left out). */
  readonly entries: readonly SessionEntry[];
  readonly signal?: AbortSignal;
}

/** Turns the old part of a session into a summary; the turn runner passes a model-backed one. */
export type Summariser = (request: SummaryRequest) => Promise<string>;

export interface CompactOptions {
  /** Entries at the end of the context to keep verbatim (default 20). A running turn is always kept whole. */
  readonly keepRecent?: number;
  /** Move the summarised entries to the archive file (default true), or only append the compaction entry. */
  readonly rewrite?: boolean;
  readonly signal?: AbortSignal;
}

export type CompactResult =
  | { readonly compacted: false; readonly reason: "nothing-to-compact" | "superseded" }
  | {
      readonly compacted: true;
      readonly entry: CompactionEntry;
      /** Entries moved to the archive file (0 without rewrite). */
      readonly archived: number;
      readonly generation: number;
    };

/** An open session. Operations on one handle run one at a time. */
export interface SessionHandle {
  readonly id: string;
  readonly header: SessionHeader;
  /** The context as this handle last saw it (no I/O). */
  context(): SessionContext;
  /** Reads what others appended (or reloads after a rewrite) and returns the new context. */
  refresh(): Promise<SessionContext>;
  /** Appends without a lease (a background writer: notes, memory sync). */
  append(drafts: readonly EntryDraft[]): Promise<AppendResult>;
  beginTurn(options?: BeginTurnOptions): Promise<SessionTurn>;
  compact(summarise: Summariser, options?: CompactOptions): Promise<CompactResult>;
  /** Flushes (durability `turn-end`) and closes. */
  close(): Promise<void>;
}

export interface SessionSummary {
  readonly id: string;
  readonly file: string;
  readonly bytes: number;
  readonly modifiedAt: string;
  readonly generation?: number;
  readonly createdAt?: string;
  /** Why the header could not be read, when it could not. */
  readonly problem?: string;
}

export interface Problem {
  readonly file: string;
  /** 1-based line number. */
  readonly line?: number;
  readonly offset?: number;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly sessionId: string;
  readonly file: string;
  readonly generation?: number;
  readonly entries: number;
  readonly archivedEntries: number;
  readonly bytes: number;
  readonly problems: readonly Problem[];
  /** Harmless findings (residue of interrupted rewrites, stale lock files). */
  readonly notes: readonly string[];
}

export interface RepairReport {
  readonly sessionId: string;
  readonly repaired: boolean;
  /** Lines moved to the quarantine file (or rewritten, with the original quarantined). */
  readonly removed: readonly Problem[];
  readonly relinked: number;
  readonly quarantineFile: string;
  readonly generation: number;
}

export interface ImportResult {
  readonly sessionId: string;
  readonly file: string;
  readonly entries: number;
  readonly sourceFormat: string;
  /** Messages on the imported leaf's path. */
  readonly pathMessages: number;
  readonly warnings: readonly string[];
}

export interface OpenOptions {
  /** Create the session when it does not exist. */
  readonly create?: boolean;
}

export interface SessionStore {
  create(id?: string): Promise<SessionHandle>;
  open(id: string, options?: OpenOptions): Promise<SessionHandle>;
  list(): Promise<SessionSummary[]>;
  /** A background writer's note, from any process. */
  appendNote(id: string, note: Omit<NoteDraft, "type">): Promise<AppendResult>;
  compact(id: string, summarise: Summariser, options?: CompactOptions): Promise<CompactResult>;
  verify(id: string): Promise<VerifyReport>;
  repair(id: string): Promise<RepairReport>;
  /** Imports an OpenClaw/pi JSONL transcript as a new session. */
  importTranscript(file: string, options?: { id?: string }): Promise<ImportResult>;
}
