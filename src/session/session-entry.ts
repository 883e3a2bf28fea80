// The session transcript's data: the header (line 1) and the entry types of every later line,
// plus the drafts writers hand to the store. Types and constants only, no I/O and no logic;
// docs/session-format.md is the prose version of this file.
import type { ConversationMessage } from "../providers/conversation.ts";
import type { FinishReason, Usage } from "../providers/model-stream.ts";

/** The `format` value that marks a Baton transcript. */
export const sessionFormatName = "baton-session";
/** The format version this code writes. Older versions are migrated on read (see migrations.ts). */
export const sessionFormatVersion = 1;

/** Where entries moved out of the live file by a compaction rewrite went. */
export interface ArchiveState {
  /** Valid length of `<id>.archive.jsonl`; bytes beyond it are residue of an interrupted rewrite. */
  readonly bytes: number;
  /** `seq` of the last archived entry (0 when nothing is archived). */
  readonly throughSeq: number;
}

/** Line 1 of a session file. */
export interface SessionHeader {
  readonly type: "session";
  readonly format: typeof sessionFormatName;
  readonly version: number;
  readonly id: string;
  readonly createdAt: string;
  /** Bumped by every rewrite (compaction, repair, migration); appends never change it. */
  readonly generation: number;
  readonly archive: ArchiveState;
  /** Set when the session was created by importing another tool's transcript. */
  readonly importedFrom?: {
    readonly format: string;
    readonly sessionId?: string;
    readonly file?: string;
    /** The source's own header line, kept as it was. */
    readonly header?: unknown;
  };
}

/** Fields every entry has. */
export interface EntryBase {
  /** Strictly increasing in the file, never reused, continues across rewrites. */
  readonly seq: number;
  readonly id: string;
  /** The entry this one continues from; null for the first entry of a session. */
  readonly parentId: string | null;
  /** ISO 8601. */
  readonly timestamp: string;
  /** The turn that wrote this entry, when it was written under a turn lease. */
  readonly turnId?: string;
  /** The original line, for entries imported from another tool's transcript. */
  readonly source?: ImportedSource;
}

export interface ImportedSource {
  readonly format: string;
  readonly id: string;
  readonly entry: unknown;
}

/** Metadata Baton records beside an assistant message. Never a secret. */
export interface AssistantMetadata {
  readonly provider?: string;
  readonly model?: string;
  /** The id of the credential used, never the credential itself. */
  readonly credentialId?: string;
  readonly usage?: Usage;
  readonly finishReason?: FinishReason;
}

export interface MessageEntry extends EntryBase, AssistantMetadata {
  readonly type: "message";
  readonly message: ConversationMessage;
}

export type TurnPhase = "start" | "end";
/** How a turn ended; free-form beyond these for forward compatibility. */
export type TurnOutcome = "completed" | "failed" | "aborted" | (string & {});

export interface TurnEntry extends EntryBase {
  readonly type: "turn";
  readonly turnId: string;
  readonly phase: TurnPhase;
  /** The lease's fencing token (start entries). */
  readonly token?: number;
  /** End entries. */
  readonly outcome?: TurnOutcome;
  readonly detail?: string;
}

export interface CompactionCoverage {
  /** `seq` range of the entries the summary replaces (inclusive). */
  readonly fromSeq: number;
  readonly throughSeq: number;
  readonly entries: number;
  readonly tokensBefore?: number;
}

export interface CompactionEntry extends EntryBase {
  readonly type: "compaction";
  readonly summary: string;
  /** First entry still part of the context; null when the summary replaces everything before it. */
  readonly firstKeptId: string | null;
  readonly firstKeptSeq: number | null;
  readonly covers: CompactionCoverage;
  /** True when the covered entries were moved to the archive file by a rewrite. */
  readonly rewrite: boolean;
}

export interface NoteEntry extends EntryBase {
  readonly type: "note";
  readonly text: string;
  /** Who wrote it (e.g. "memory-sync"); free-form. */
  readonly author?: string;
  /** A category, e.g. "custom" or "model_change" for imported entries. */
  readonly kind?: string;
  readonly data?: unknown;
}

export type SessionEntry = MessageEntry | TurnEntry | CompactionEntry | NoteEntry;
export type SessionEntryType = SessionEntry["type"];
export const sessionEntryTypes: readonly SessionEntryType[] = ["message", "turn", "compaction", "note"];

/** Fields the store assigns; a draft is an entry without them. */
type Assigned = "seq" | "id" | "parentId" | "timestamp";
type Draft<T> = T extends SessionEntry ? Omit<T, Assigned> & { readonly timestamp?: string } : never;

/** What a writer hands to `append`: an entry without `seq`, `id` and `parentId`. */
export type EntryDraft = Draft<MessageEntry> | Draft<NoteEntry>;
export type MessageDraft = Draft<MessageEntry>;
export type NoteDraft = Draft<NoteEntry>;

/** When appends reach the disk. */
export type Durability = "always" | "turn-end" | "never";
export const durabilities: readonly Durability[] = ["always", "turn-end", "never"];
