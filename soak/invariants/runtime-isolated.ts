// Invariant: no runtime-scoped failure (a caller abort, a session conflict, an internal error)
// ever advanced a chain or touched health. Per turn that met one: from that moment on, no
// attempt started, no cooldown or breaker was recorded, and (cross-checked against the
// simulator's log, by the process's canary keys) the process sent no further request in that
// turn. Across all processes: no cooldown, breaker, skip or wait anywhere names a runtime reason.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";
import type { TurnView } from "../turns.ts";

const runtimeReasons = new Set(["aborted", "session_conflict", "internal"]);
/** A request the simulator logs this soon after the runtime failure was already on its way. */
const inFlightSlackMs = 50;

/** When the turn met a runtime failure, if it did. */
function runtimeFailureAt(turn: TurnView): { at: number; what: string } | undefined {
  for (const event of turn.events) {
    if (event.type === "attempt-failed" && (event.scope === "runtime" || runtimeReasons.has(event.reason))) {
      return { at: event.at, what: `attempt failed ${event.reason}/${event.scope}` };
    }
  }
  const end = turn.end;
  if (end === undefined || end.ok || !runtimeReasons.has(end.error.reason)) return undefined;
  if (end.error.reason === "aborted" && turn.abortedAt !== undefined)
    return { at: turn.abortedAt, what: "aborted by the caller" };
  // A conflict surfaces when the turn writes after a step's answer: nothing may follow that answer.
  const answered = turn.events.filter((event) => event.type === "attempt-finished").at(-1);
  return { at: answered?.at ?? end.at, what: end.error.reason };
}

export function checkRuntimeIsolated(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "runtime-isolated",
    "no runtime-scoped failure advanced a chain or touched health",
    "runtime failures",
  );
  const keyHashesOf = new Map<string, Set<string>>();
  for (const key of evidence.keys) {
    const set = keyHashesOf.get(key.slot) ?? new Set<string>();
    set.add(key.hash);
    keyHashesOf.set(key.slot, set);
  }
  for (const turn of evidence.turns) {
    const failure = runtimeFailureAt(turn);
    if (failure === undefined) continue;
    builder.check();
    const where = { slot: turn.slot, inc: turn.inc, turnId: turn.turnId, sessionId: turn.sessionId };
    for (const event of turn.events) {
      if (event.at <= failure.at) continue;
      if (event.type === "attempt-started")
        builder.fail({
          ...where,
          message: `${failure.what}, then attempt ${event.attempt} to ${event.target.provider}/${event.target.model} started`,
        });
      if (event.type === "cooldown-started" || event.type === "breaker-opened")
        builder.fail({
          ...where,
          message: `${failure.what}, then ${event.type} on ${event.key.label} (${event.reason})`,
        });
    }
    const endAt = turn.end?.at ?? failure.at;
    const hashes = keyHashesOf.get(turn.slot) ?? new Set<string>();
    const later = evidence.requests.filter(
      (request) =>
        hashes.has(request.keyHash) && request.epoch > failure.at + inFlightSlackMs && request.epoch <= endAt,
    );
    if (later.length > 0)
      builder.fail({
        ...where,
        message: `${failure.what}, then the simulator received ${later.length} more request(s) from this process in the same turn`,
        requests: later.map((request) => request.index),
      });
    builder.note(`runtime failures: ${failure.what}`);
  }
  for (const turn of evidence.turns) {
    for (const event of turn.events) {
      const reason =
        event.type === "cooldown-started" ||
        event.type === "breaker-opened" ||
        event.type === "candidate-skipped" ||
        event.type === "wait-started"
          ? event.reason
          : undefined;
      if (reason !== undefined && runtimeReasons.has(reason))
        builder.fail({
          slot: turn.slot,
          inc: turn.inc,
          turnId: turn.turnId,
          sessionId: turn.sessionId,
          message: `health names a runtime reason: ${event.type} (${reason})`,
        });
    }
  }
  return builder.result();
}
