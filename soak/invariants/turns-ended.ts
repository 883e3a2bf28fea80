// Invariant: every turn ended answered or with a correctly classified error. A turn whose
// process was SIGKILLed mid-turn is not counted against Baton. A failed turn's reason must be
// explained by what happened in its last step: a caller abort for `aborted`, a lease taken
// over while the process was frozen for `session_conflict`, and for provider and request
// endings the reason of the step's primary failure (its first failed attempt, whose own
// classification the attempts invariant checks against the simulator), a skip's cooling reason,
// or `timeout` for a deadline. Session, config and internal errors are always violations.
import { type Evidence, frozenDuring, incarnationOf } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";
import { eventsOf, lastStepEvents, type TurnView } from "../turns.ts";

const runtimeReasons = new Set([
  "aborted",
  "session_conflict",
  "internal",
  "session_busy",
  "session_error",
  "config",
]);

function checkFailed(turn: TurnView, evidence: Evidence, builder: InvariantBuilder): void {
  const end = turn.end;
  if (end === undefined || end.ok) return;
  const { error } = end;
  const where = { slot: turn.slot, inc: turn.inc, turnId: turn.turnId, sessionId: turn.sessionId };
  const fail = (message: string): void => builder.fail({ ...where, message: `${message}: ${error.message}` });
  const failedEvents = eventsOf(turn, "step-failed");
  const lastFailed = failedEvents.at(-1);
  if (error.reason === "aborted") {
    builder.note("turns aborted by their caller");
    if (turn.abortedAt === undefined) fail("ended 'aborted' but the worker never aborted it");
    else if (error.kind !== "aborted" || error.scope !== "runtime")
      fail(`aborted turn reported as kind ${error.kind}, scope ${error.scope}`);
    return;
  }
  if (turn.abortedAt !== undefined && turn.abortedAt <= end.at) {
    // The abort may land after the turn already failed for another reason.
    if (lastFailed === undefined || lastFailed.at > turn.abortedAt) {
      fail(`the worker aborted it at +${turn.abortedAt - turn.startedAt}ms but it ended '${error.reason}'`);
      return;
    }
  }
  if (error.reason === "session_conflict") {
    const frozen = frozenDuring(incarnationOf(evidence, turn.slot, turn.inc), turn.startedAt, end.at);
    if (error.kind !== "session" || error.scope !== "runtime")
      fail(`session conflict reported as ${error.kind}/${error.scope}`);
    else if (!frozen)
      fail("session conflict although the process was never frozen (no lease could have been lost)");
    else builder.note("turns fenced after their process was frozen past the lease timeout");
    return;
  }
  if (runtimeReasons.has(error.reason)) {
    fail(`ended with ${error.kind}/${error.reason}`);
    return;
  }
  // A provider or request ending: the reason must be one the last step actually met.
  const step = lastStepEvents(turn);
  const met = new Set<string>();
  for (const event of step) {
    if (event.type === "attempt-failed") met.add(event.reason);
    if (event.type === "candidate-skipped" && event.reason !== undefined) met.add(event.reason);
    if (event.type === "wait-started" && event.reason !== undefined) met.add(event.reason);
  }
  const stepFailed = step.filter((event) => event.type === "step-failed").at(-1);
  if (stepFailed?.type === "step-failed" && stepFailed.kind === "deadline") met.add("timeout");
  if (
    stepFailed?.type === "step-failed" &&
    stepFailed.reason !== undefined &&
    stepFailed.reason !== error.reason
  ) {
    fail(`the turn's error says '${error.reason}' but its trace says '${stepFailed.reason}'`);
    return;
  }
  if (stepFailed?.type === "step-failed" && stepFailed.reason === undefined) {
    fail(
      `a '${stepFailed.kind}' ending with no failure of its own is reported as ${error.reason}/${error.scope}`,
    );
    return;
  }
  if (!met.has(error.reason)) {
    fail(`'${error.reason}' is not what the last step met (${[...met].join(", ") || "nothing"})`);
    return;
  }
  const requestReason = error.reason === "content_policy" || error.reason === "invalid_request";
  if (requestReason !== (error.kind === "request")) fail(`'${error.reason}' reported as kind ${error.kind}`);
  else builder.note(`turns failed: ${error.reason}`);
}

export function checkTurnsEnded(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "turns-ended",
    "every turn ended answered or with a correctly classified error",
    "turns",
  );
  for (const turn of evidence.turns) {
    if (turn.end === undefined) {
      const incarnation = incarnationOf(evidence, turn.slot, turn.inc);
      if (incarnation?.end === "killed")
        builder.note("turns in flight when their process was SIGKILLed (not counted)");
      else
        builder.fail({
          slot: turn.slot,
          inc: turn.inc,
          turnId: turn.turnId,
          sessionId: turn.sessionId,
          message: `turn never ended (process ${incarnation?.end ?? "unknown"})`,
        });
      continue;
    }
    builder.check();
    builder.note(turn.fromTrace ? "turns through a gateway (HTTP)" : "turns through the library");
    if (turn.end.ok) builder.note("turns answered");
    else checkFailed(turn, evidence, builder);
  }
  return builder.result();
}
