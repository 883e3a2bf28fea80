// A session store that delegates everything to a real one and reports every AppendResult it
// hands back: the entries the store acknowledged (seq and id), per session and turn. The soak's
// worker gives it to createBaton, so "every acknowledged entry is present exactly once" is
// checked against what the store actually acknowledged, not against what the turn meant to write.
import type {
  BeginTurnOptions,
  CompactResult,
  SessionEntry,
  SessionHandle,
  SessionStore,
  SessionTurn,
} from "../src/session/index.ts";

export type AckListener = (ack: {
  sessionId: string;
  turnId?: string;
  entries: readonly SessionEntry[];
}) => void;

function compacted(sessionId: string, result: CompactResult, onAck: AckListener): CompactResult {
  if (result.compacted) onAck({ sessionId, entries: [result.entry] });
  return result;
}

function recordingTurn(turn: SessionTurn, sessionId: string, onAck: AckListener): SessionTurn {
  return {
    get turnId() {
      return turn.turnId;
    },
    get token() {
      return turn.token;
    },
    async append(drafts) {
      const result = await turn.append(drafts);
      onAck({ sessionId, turnId: turn.turnId, entries: result.entries });
      return result;
    },
    async end(outcome, detail) {
      const result = await turn.end(outcome, detail);
      onAck({ sessionId, turnId: turn.turnId, entries: result.entries });
      return result;
    },
    release: () => turn.release(),
  };
}

function recordingHandle(handle: SessionHandle, onAck: AckListener): SessionHandle {
  return {
    get id() {
      return handle.id;
    },
    get header() {
      return handle.header;
    },
    context: () => handle.context(),
    refresh: () => handle.refresh(),
    async append(drafts) {
      const result = await handle.append(drafts);
      onAck({ sessionId: handle.id, entries: result.entries });
      return result;
    },
    async beginTurn(options?: BeginTurnOptions) {
      return recordingTurn(await handle.beginTurn(options), handle.id, onAck);
    },
    compact: async (summarise, options) =>
      compacted(handle.id, await handle.compact(summarise, options), onAck),
    close: () => handle.close(),
  };
}

/** Wraps `inner`; `onAck` is called synchronously after every acknowledged append, before the caller sees it. */
export function recordingStore(inner: SessionStore, onAck: AckListener): SessionStore {
  return {
    create: async (id) => recordingHandle(await inner.create(id), onAck),
    open: async (id, options) => recordingHandle(await inner.open(id, options), onAck),
    list: () => inner.list(),
    async appendNote(id, note) {
      const result = await inner.appendNote(id, note);
      onAck({ sessionId: id, entries: result.entries });
      return result;
    },
    compact: async (id, summarise, options) =>
      compacted(id, await inner.compact(id, summarise, options), onAck),
    verify: (id) => inner.verify(id),
    repair: (id) => inner.repair(id),
    importTranscript: (file, options) => inner.importTranscript(file, options),
  };
}
