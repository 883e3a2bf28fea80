// Invariant: every acknowledged entry is present exactly once. Workers record each entry the
// session store acknowledged (its AppendResult: seq and id), background writers print each note
// they were told was written; every one must be in its session's transcript or archive exactly
// once, with the same seq. An answered turn (a gateway's HTTP 200 included) has its unique user
// message in its session exactly once: never lost, never written twice under new ids.
import type { EntryLine, Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkEntriesOnce(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "entries-once",
    "every acknowledged entry present exactly once",
    "entries",
  );
  const index = new Map<string, Map<string, EntryLine[]>>();
  for (const session of evidence.sessions) {
    const byId = new Map<string, EntryLine[]>();
    for (const entry of session.entries) {
      const list = byId.get(entry.id) ?? [];
      list.push(entry);
      byId.set(entry.id, list);
    }
    index.set(session.id, byId);
  }
  const expect = (
    sessionId: string,
    id: string,
    seq: number,
    what: string,
    where: { slot: string; inc: number; turnId?: string },
  ): void => {
    builder.check();
    const found = index.get(sessionId)?.get(id) ?? [];
    if (found.length === 1 && found[0]?.seq === seq) return;
    builder.fail({
      ...where,
      sessionId,
      message:
        found.length === 0
          ? `${what} ${id} (seq ${seq}) was acknowledged but is not in the transcript or archive`
          : found.length > 1
            ? `${what} ${id} is present ${found.length} times`
            : `${what} ${id} was acknowledged as seq ${seq} but is stored as seq ${found[0]?.seq}`,
    });
  };
  for (const turn of evidence.turns)
    for (const ack of turn.acks)
      expect(turn.sessionId, ack.id, ack.seq, `${ack.type} entry`, {
        slot: turn.slot,
        inc: turn.inc,
        turnId: turn.turnId,
      });
  for (const ack of evidence.writerAcks)
    expect(ack.session, ack.id, ack.seq, "note", { slot: ack.slot, inc: ack.inc });
  const messages = new Map<string, Map<string, number>>();
  for (const session of evidence.sessions) {
    const counts = new Map<string, number>();
    for (const entry of session.entries)
      if (
        entry.type === "message" &&
        entry.message?.role === "user" &&
        typeof entry.message.content === "string"
      )
        counts.set(entry.message.content, (counts.get(entry.message.content) ?? 0) + 1);
    messages.set(session.id, counts);
  }
  for (const turn of evidence.turns) {
    const count = messages.get(turn.sessionId)?.get(turn.message) ?? 0;
    // An answer told to the caller acknowledges the whole turn, the user's message included.
    if (turn.end?.ok === true) builder.check();
    if (turn.end?.ok === true && count === 0)
      builder.fail({
        slot: turn.slot,
        inc: turn.inc,
        turnId: turn.turnId,
        sessionId: turn.sessionId,
        message: "the turn was answered but its user message is not in the session",
      });
    if (count > 1)
      builder.fail({
        slot: turn.slot,
        inc: turn.inc,
        turnId: turn.turnId,
        sessionId: turn.sessionId,
        message: `the turn's user message is in the session ${count} times`,
      });
  }
  builder.note(
    "entries acknowledged to workers",
    evidence.turns.reduce((sum, turn) => sum + turn.acks.length, 0),
  );
  builder.note("notes acknowledged to background writers", evidence.writerAcks.length);
  return builder.result();
}
