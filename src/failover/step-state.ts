// What decide() knows about the running step: the expanded targets, the policy, a health
// snapshot, the attempts so far and any output that already reached the caller. Plain data,
// plus the pure questions asked of it (how often was a target tried, which targets are spent
// for this step). decide() never mutates it; the engine builds a new one per decision.
import type { HealthSnapshot } from "../health/health-state.ts";
import type { ExpandedTarget } from "./chain.ts";
import type { Failure, FailureReason } from "./failure.ts";
import type { FailoverPolicy } from "./policy.ts";

export interface AttemptRecord {
  readonly targetIndex: number;
  readonly startedAt: number;
  /** Undefined while the attempt runs. */
  readonly failure?: Failure;
}

/** Output forwarded to the caller by failed attempts and not yet retracted. */
export interface PartialOutput {
  readonly text: string;
  /** True when nothing but text was forwarded (only then can it be continued with a prefill). */
  readonly textOnly: boolean;
}

export interface StepState {
  readonly targets: readonly ExpandedTarget[];
  readonly policy: FailoverPolicy;
  readonly health: HealthSnapshot;
  /** This step's id: its own half-open probe leases do not block it. */
  readonly owner: string;
  readonly deadlineAt: number;
  /** Every request of the step, in order; for decide() the last one is the one that failed. */
  readonly attempts: readonly AttemptRecord[];
  readonly partial?: PartialOutput;
  /** A uniform sample in [0, 1) for jitter, drawn by the engine (keeps decide() pure). */
  readonly random: number;
  /** Targets the engine found unavailable for other reasons (a probe claim lost). */
  readonly unavailable?: readonly number[];
}

const noRetry = new Set<FailureReason>([
  "quota_exhausted",
  "billing",
  "auth",
  "permission",
  "timeout",
  "model_not_found",
  "context_overflow",
  "content_policy",
  "invalid_request",
  "session_conflict",
  "aborted",
  "internal",
]);

/** Same-target retries a reason allows in one step. */
export function retryLimit(reason: FailureReason, policy: FailoverPolicy): number {
  if (noRetry.has(reason)) return 0;
  if (reason === "network" || reason === "truncated_stream" || reason === "malformed_response") {
    return Math.min(1, policy.maxRetriesPerTarget);
  }
  return policy.maxRetriesPerTarget;
}

export function attemptsOn(state: StepState, targetIndex: number): number {
  let count = 0;
  for (const attempt of state.attempts) if (attempt.targetIndex === targetIndex) count += 1;
  return count;
}

function credentialScoped(failure: Failure): boolean {
  return failure.scope === "credential" || failure.scope === "credential+model";
}

/**
 * Targets this step will not send to again: tried more often than their last failure allows.
 * A failure about the model (not the credential) spends every credential of that candidate.
 */
export function spentTargets(state: StepState): ReadonlySet<number> {
  const last = new Map<number, Failure>();
  const counts = new Map<number, number>();
  for (const attempt of state.attempts) {
    counts.set(attempt.targetIndex, (counts.get(attempt.targetIndex) ?? 0) + 1);
    if (attempt.failure !== undefined) last.set(attempt.targetIndex, attempt.failure);
  }
  const spent = new Set<number>();
  for (const [index, failure] of last) {
    if ((counts.get(index) ?? 0) <= retryLimit(failure.reason, state.policy)) continue;
    spent.add(index);
    if (credentialScoped(failure)) continue;
    const candidate = state.targets[index]?.candidateIndex;
    for (const target of state.targets) if (target.candidateIndex === candidate) spent.add(target.index);
  }
  return spent;
}

/** After a context overflow: the largest window known too small (Infinity when unknown). */
export function contextFloor(state: StepState): number | undefined {
  let floor: number | undefined;
  for (const attempt of state.attempts) {
    if (attempt.failure?.reason !== "context_overflow") continue;
    const window = state.targets[attempt.targetIndex]?.options.contextWindow ?? Number.POSITIVE_INFINITY;
    floor = Math.max(floor ?? 0, window);
  }
  return floor;
}

/** True when forwarded output cannot be retracted, so only a prefill continuation may follow. */
export function needsPrefill(state: StepState): boolean {
  return state.partial !== undefined && state.policy.commitMode === "forward" && !state.policy.canRetract;
}

/** True when this target can continue the partial output with an assistant prefill. */
export function canPrefill(state: StepState, target: ExpandedTarget): boolean {
  return (
    state.partial?.textOnly === true &&
    state.partial.text.length > 0 &&
    state.policy.commitMode === "forward" &&
    target.options.acceptsPrefill === true
  );
}

/** How the next attempt on `target` relates to output the caller already saw. */
export function continuationFor(state: StepState, target: ExpandedTarget): "none" | "prefill" | "discard" {
  if (state.partial === undefined) return "none";
  return canPrefill(state, target) ? "prefill" : "discard";
}
