// decide(state, failure, now) -> what to do after a failed attempt; choose(state, now) -> what
// to send first (and after a wait). Pure: no I/O, no clock, no randomness of their own. They
// follow failover.md §2 row by row; docs/failover-policy.md states the result per reason.
// Every decision carries a one-line `why` for the trace.
import { blockerOf } from "../health/availability.ts";
import { healthKeyLabel } from "../health/health-key.ts";
import { applyHealthEvents } from "../health/health-state.ts";
import type { StopKind } from "../trace/trace-event.ts";
import type { Action, Decision, SkippedTarget, StopCause } from "./action.ts";
import { fullJitterDelay } from "./backoff.ts";
import { type ExpandedTarget, modelLabel, targetLabel } from "./chain.ts";
import type { Failure } from "./failure.ts";
import { healthEventsFor, hintUntil, isRequestFailure, isRuntimeFailure } from "./health-effects.ts";
import { earliestRecovery, selectTarget } from "./select-target.ts";
import {
  attemptsOn,
  canPrefill,
  contextFloor,
  continuationFor,
  needsPrefill,
  retryLimit,
  type StepState,
} from "./step-state.ts";

function stop(
  kind: StopKind,
  why: string,
  skipped: readonly SkippedTarget[] = [],
  failure?: Failure,
): Action {
  return { type: "stop", cause: failure === undefined ? { kind } : { kind, failure }, skipped, why };
}

function budgetStop(state: StepState, now: number, skipped: readonly SkippedTarget[]): Action | undefined {
  if (now >= state.deadlineAt) return stop("deadline", "the step deadline has passed", skipped);
  if (state.attempts.length >= state.policy.maxAttempts) {
    return stop("attempt-budget", `the attempt budget of ${state.policy.maxAttempts} is spent`, skipped);
  }
  return undefined;
}

function skippedNote(skipped: readonly SkippedTarget[]): string {
  return skipped.length === 0 ? "" : ` (skipped ${skipped.length} unavailable)`;
}

/** Nothing is available now: wait for the earliest recovery if it fits the deadline, else stop. */
function waitOrStop(
  state: StepState,
  now: number,
  skipped: readonly SkippedTarget[],
  emptyKind: StopKind,
  failure?: Failure,
): Action {
  const recovery = earliestRecovery(state, now);
  if (recovery !== undefined && recovery.until < state.deadlineAt) {
    const budget = budgetStop(state, now, skipped);
    if (budget !== undefined) return budget;
    const wait: Action = {
      type: "wait",
      untilMs: recovery.until,
      key: recovery.key,
      skipped,
      why: `no target is available now; ${healthKeyLabel(recovery.key)} recovers first, in ${recovery.until - now} ms`,
    };
    return recovery.reason === undefined ? wait : { ...wait, reason: recovery.reason };
  }
  const kind: StopKind = emptyKind === "exhausted" && needsPrefill(state) ? "partial-output" : emptyKind;
  const why =
    recovery === undefined
      ? "no candidate is left for this step"
      : `every candidate left is unavailable; the earliest recovery (${healthKeyLabel(recovery.key)}) is after the deadline`;
  let cause: StopCause = { kind };
  if (failure !== undefined) cause = { ...cause, failure };
  if (recovery !== undefined) cause = { ...cause, recoveryAt: recovery.until, recoveryKey: recovery.key };
  return { type: "stop", cause, skipped, why };
}

/** Moves to the first available target at or after `from`. */
function moveOn(
  state: StepState,
  current: ExpandedTarget,
  from: number,
  now: number,
  failure: Failure,
  emptyKind: StopKind,
): Action {
  const selection = selectTarget(state, from, now);
  if (selection.index === undefined) {
    return waitOrStop(
      state,
      now,
      selection.skipped,
      emptyKind,
      emptyKind === "exhausted" ? undefined : failure,
    );
  }
  const budget = budgetStop(state, now, selection.skipped);
  if (budget !== undefined) return budget;
  const next = state.targets[selection.index] as ExpandedTarget;
  const continuation = continuationFor(state, next);
  const what = `${failure.reason} on ${targetLabel(current.target)}`;
  if (next.candidateIndex === current.candidateIndex) {
    return {
      type: "rotate-credential",
      targetIndex: next.index,
      fromIndex: current.index,
      skipped: selection.skipped,
      continuation,
      why: `${what}: rotating to credential ${next.target.credentialId}${skippedNote(selection.skipped)}`,
    };
  }
  return {
    type: "next-candidate",
    targetIndex: next.index,
    skipped: selection.skipped,
    continuation,
    why: `${what}: next candidate ${targetLabel(next.target)}${skippedNote(selection.skipped)}`,
  };
}

/** A same-target retry, when the reason, the retry budget, health, the wait budget and the deadline allow. */
function sameTargetRetry(
  state: StepState,
  failure: Failure,
  current: ExpandedTarget,
  now: number,
): Action | undefined {
  const { policy } = state;
  const retriesUsed = attemptsOn(state, current.index) - 1;
  if (retriesUsed >= retryLimit(failure.reason, policy)) return undefined;
  if (needsPrefill(state) && !canPrefill(state, current)) return undefined;
  const blocker = blockerOf(state.health, current.keys, now, state.owner);
  let delayMs: number;
  let cause: "retry-after" | "backoff";
  if (failure.reason === "rate_limit") {
    // Only a provider-given wait is honoured in place; without one, go elsewhere now.
    const hint = hintUntil(failure, now);
    if (hint === undefined || (blocker !== undefined && blocker.kind !== "cooling")) return undefined;
    delayMs = Math.max(0, (blocker?.until ?? hint) - now);
    cause = "retry-after";
  } else if (blocker !== undefined) {
    if (blocker.kind !== "cooling") return undefined;
    delayMs = blocker.until - now;
    cause = "retry-after";
  } else {
    const fast =
      failure.reason === "network" ||
      failure.reason === "truncated_stream" ||
      failure.reason === "malformed_response";
    const rule = fast ? { baseMs: policy.backoff.fastMs, capMs: policy.backoff.fastMs } : policy.backoff;
    delayMs = fullJitterDelay(retriesUsed, state.random, rule);
    cause = "backoff";
  }
  if (cause === "retry-after" && delayMs > policy.waitBudgetMs) return undefined;
  if (now + delayMs >= state.deadlineAt) return undefined;
  if (state.attempts.length >= policy.maxAttempts) return undefined;
  return {
    type: "retry",
    targetIndex: current.index,
    delayMs,
    cause,
    continuation: continuationFor(state, current),
    why: `${failure.reason} on ${targetLabel(current.target)}: retry ${retriesUsed + 1} of ${retryLimit(failure.reason, policy)} after ${delayMs} ms (${cause})`,
  };
}

function afterFailure(state: StepState, failure: Failure, current: ExpandedTarget, now: number): Action {
  const { policy } = state;
  if (isRequestFailure(failure)) {
    const refusals = state.attempts.filter((attempt) => attempt.failure?.reason === failure.reason).length;
    const fallback =
      failure.reason === "content_policy"
        ? policy.allowFallbackOnContentPolicy
        : failure.reason === "invalid_request" && policy.allowFallbackOnInvalidRequest && refusals <= 1;
    if (!fallback) {
      return stop(
        "request",
        `${failure.reason} from ${modelLabel(current.target)}: the request itself was refused`,
        [],
        failure,
      );
    }
    return moveOn(state, current, current.index + 1, now, failure, "request");
  }
  if (failure.reason === "context_overflow") {
    // Never resend the same prompt to a window known to be too small.
    return moveOn(state, current, current.index + 1, now, failure, "context-overflow");
  }
  const budget = budgetStop(state, now, []);
  if (budget !== undefined) return budget;
  return (
    sameTargetRetry(state, failure, current, now) ??
    moveOn(state, current, current.index + 1, now, failure, "exhausted")
  );
}

/**
 * What to do after the last attempt in `state.attempts` failed with `failure`. The returned
 * health events are to be recorded; the action was chosen on the snapshot with them applied.
 */
export function decide(state: StepState, failure: Failure, now: number): Decision {
  const last = state.attempts.at(-1);
  const current = last === undefined ? undefined : state.targets[last.targetIndex];
  if (current === undefined) throw new TypeError("decide: state.attempts must end with the failed attempt");
  if (isRuntimeFailure(failure)) {
    return {
      action: stop(
        "runtime",
        `${failure.reason} is local (runtime): no target is blamed and the chain stops`,
        [],
        failure,
      ),
      health: [],
      changes: [],
    };
  }
  const health = healthEventsFor(failure, current, state.policy, now);
  const applied = applyHealthEvents(state.health, health);
  const action = afterFailure({ ...state, health: applied.snapshot }, failure, current, now);
  return { action, health, changes: applied.changes };
}

/** What to send first in a step, or after a wait: the first available target in chain order. */
export function choose(state: StepState, now: number): Decision {
  const selection = selectTarget(state, 0, now);
  const budget = budgetStop(state, now, selection.skipped);
  if (budget !== undefined) return { action: budget, health: [], changes: [] };
  if (selection.index === undefined) {
    // After a wait, an empty chain keeps the cause that narrowed it.
    const last = state.attempts.at(-1)?.failure;
    if (contextFloor(state) !== undefined) {
      const overflow = state.attempts.findLast(
        (attempt) => attempt.failure?.reason === "context_overflow",
      )?.failure;
      return {
        action: waitOrStop(state, now, selection.skipped, "context-overflow", overflow),
        health: [],
        changes: [],
      };
    }
    if (last !== undefined && isRequestFailure(last)) {
      return { action: waitOrStop(state, now, selection.skipped, "request", last), health: [], changes: [] };
    }
    return { action: waitOrStop(state, now, selection.skipped, "exhausted"), health: [], changes: [] };
  }
  const target = state.targets[selection.index] as ExpandedTarget;
  const action: Action = {
    type: "attempt",
    targetIndex: target.index,
    skipped: selection.skipped,
    continuation: continuationFor(state, target),
    why: `first available target: ${targetLabel(target.target)}${skippedNote(selection.skipped)}`,
  };
  return { action, health: [], changes: [] };
}
