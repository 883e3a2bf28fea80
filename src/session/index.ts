// The session store's public surface, for src/index.ts and the turn runner. Everything else in
// this folder is an implementation detail of the JSONL store.

export { JsonlSessionStore, type JsonlSessionStoreOptions } from "./jsonl-session-store.ts";
export type { SessionContext } from "./live-context.ts";
export { contextMessages, summaryPreamble } from "./live-context.ts";
export type {
  AssistantMetadata,
  CompactionEntry,
  Durability,
  EntryDraft,
  MessageDraft,
  MessageEntry,
  NoteDraft,
  NoteEntry,
  SessionEntry,
  SessionHeader,
  TurnEntry,
  TurnOutcome,
} from "./session-entry.ts";
export { sessionFormatName, sessionFormatVersion } from "./session-entry.ts";
export {
  SessionBusyError,
  SessionConflictError,
  SessionCorruptError,
  SessionError,
  type SessionErrorCode,
} from "./session-errors.ts";
export type {
  AppendResult,
  BeginTurnOptions,
  CompactOptions,
  CompactResult,
  ImportResult,
  OpenOptions,
  RepairReport,
  SessionHandle,
  SessionStore,
  SessionSummary,
  SessionTurn,
  Summariser,
  SummaryRequest,
  VerifyReport,
} from "./session-store.ts";
export { countingSummariser } from "./simple-summariser.ts";
