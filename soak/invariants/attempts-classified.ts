// Invariant: every attempt's outcome is what the simulator did to its request. Each traced
// attempt is paired with its request in the simulator's log (attribution.ts); the oracle
// (fault-oracle.ts) says whether that request deserved a complete answer or a failure with a
// given reason. A failure with another reason, a failure of a healthy answer, or an answer to
// a faulty request is a violation. One excuse, from evidence: a Baton timer that really ran its
// full length (the attempt lasted at least the timer), or a process frozen by the soak, may
// turn a healthy but slow response into `timeout`.
import { attemptKey } from "../attribution.ts";
import { type Evidence, frozenDuring, incarnationOf } from "../evidence.ts";
import { expectationOf } from "../fault-oracle.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";
import { soakTimers } from "../topology.ts";
import type { AttemptView, TurnView } from "../turns.ts";

/** A tool-offering turn's first step is answered with a one-token tool call; otherwise text (unknown length). */
export function replyTokensOf(turn: TurnView, attempt: AttemptView): number | undefined {
  return turn.tools && attempt.step === 1 ? 1 : undefined;
}

const timerMs: Readonly<Record<string, number>> = {
  connect: soakTimers.connectMs,
  "first-token": soakTimers.firstTokenMs,
  idle: soakTimers.idleMs,
};

export function checkAttemptsClassified(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "attempts-classified",
    "every failed attempt classified as the fault the simulator logged",
    "attempts",
  );
  for (const turn of evidence.turns) {
    const incarnation = incarnationOf(evidence, turn.slot, turn.inc);
    for (const attempt of turn.attempts) {
      const request = evidence.attribution.requestOf.get(attemptKey(attempt));
      if (request === undefined) continue;
      if (attempt.failed === undefined && attempt.finished === undefined) {
        builder.note("attempts interrupted (abort, deadline or SIGKILL)");
        continue;
      }
      builder.check();
      const expectation = expectationOf(request, replyTokensOf(turn, attempt));
      const where = {
        slot: turn.slot,
        inc: turn.inc,
        turnId: turn.turnId,
        sessionId: turn.sessionId,
        requests: [request.index],
      };
      const label = `${attempt.target.provider}/${attempt.target.model} via ${attempt.target.credentialId}`;
      if (expectation.kind === "unknown") {
        builder.note(`attempts with no oracle (${expectation.why})`);
        continue;
      }
      const failed = attempt.failed;
      if (failed === undefined) {
        if (expectation.kind === "failure")
          builder.fail({
            ...where,
            message: `${label}: answered as complete although the simulator did '${request.outcome}' (expected ${expectation.reasons.join("/")})`,
          });
        continue;
      }
      if (expectation.kind !== "answer" && expectation.reasons.includes(failed.reason)) {
        builder.note(`attempts failed as expected: ${failed.reason}`);
        continue;
      }
      const frozen = frozenDuring(incarnation, attempt.startedAt, failed.at);
      const timerRan =
        failed.reason === "timeout" &&
        failed.timer !== undefined &&
        failed.ms >= (timerMs[failed.timer] ?? Infinity);
      if (failed.reason === "timeout" && (frozen || (timerRan && expectation.kind !== "failure"))) {
        builder.note(
          frozen
            ? "timeouts while the process was frozen (excused)"
            : "timeouts of a full timer on a slow healthy response (excused)",
        );
        continue;
      }
      const expected =
        expectation.kind === "answer"
          ? "a complete answer"
          : `${expectation.kind === "either" ? "a complete answer or " : ""}${expectation.reasons.join("/")}`;
      builder.fail({
        ...where,
        message: `${label}: classified ${failed.reason}/${failed.scope} (${failed.message.slice(0, 160)}) but the simulator did '${request.outcome}' (expected ${expected})`,
      });
    }
  }
  return builder.result();
}
