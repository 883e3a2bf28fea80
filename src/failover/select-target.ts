// Picks the next target to send to, in chain order, and says why each one passed over got no
// request; or, when none is available, the earliest moment one recovers. Pure.
import { type Blocker, blockerOf } from "../health/availability.ts";
import type { HealthKey } from "../health/health-key.ts";
import type { SkipWhy } from "../trace/trace-event.ts";
import type { SkippedTarget } from "./action.ts";
import type { ExpandedTarget } from "./chain.ts";
import type { FailureReason } from "./failure.ts";
import { canPrefill, contextFloor, needsPrefill, type StepState, spentTargets } from "./step-state.ts";

export interface Selection {
  /** The target to send to; undefined when none is available now. */
  readonly index?: number;
  readonly skipped: readonly SkippedTarget[];
}

export interface Recovery {
  readonly until: number;
  readonly targetIndex: number;
  readonly key: HealthKey;
  readonly reason?: FailureReason;
}

const whyOf: Record<Blocker["kind"], SkipWhy> = {
  cooling: "cooling",
  "breaker-open": "breaker-open",
  "probe-in-flight": "probe-in-flight",
};

/** Why a target that is not spent cannot be sent to at all in this step, if so. */
function ruledOut(state: StepState, target: ExpandedTarget, floor: number | undefined): SkipWhy | undefined {
  if (floor !== undefined) {
    const window = target.options.contextWindow;
    if (window === undefined || window <= floor) return "context-window";
  }
  if (needsPrefill(state) && !canPrefill(state, target)) return "no-prefill";
  return undefined;
}

function skipFor(index: number, blocker: Blocker): SkippedTarget {
  const skip: SkippedTarget = {
    targetIndex: index,
    why: whyOf[blocker.kind],
    key: blocker.key,
    until: blocker.until,
  };
  return blocker.reason === undefined ? skip : { ...skip, reason: blocker.reason };
}

/** The first available target at or after `from`, and the targets passed over on the way. */
export function selectTarget(state: StepState, from: number, now: number): Selection {
  const spent = spentTargets(state);
  const unavailable = new Set(state.unavailable ?? []);
  const floor = contextFloor(state);
  const skipped: SkippedTarget[] = [];
  for (let index = from; index < state.targets.length; index += 1) {
    const target = state.targets[index] as ExpandedTarget;
    if (spent.has(index) || unavailable.has(index)) continue;
    const ruled = ruledOut(state, target, floor);
    if (ruled !== undefined) {
      skipped.push({ targetIndex: index, why: ruled });
      continue;
    }
    const blocker = blockerOf(state.health, target.keys, now, state.owner);
    if (blocker !== undefined) {
      skipped.push(skipFor(index, blocker));
      continue;
    }
    return { index, skipped };
  }
  return { skipped };
}

/** The earliest time any target this step could still use becomes available. */
export function earliestRecovery(state: StepState, now: number): Recovery | undefined {
  const spent = spentTargets(state);
  const unavailable = new Set(state.unavailable ?? []);
  const floor = contextFloor(state);
  let best: Recovery | undefined;
  for (const target of state.targets) {
    if (spent.has(target.index) || unavailable.has(target.index)) continue;
    if (ruledOut(state, target, floor) !== undefined) continue;
    const blocker = blockerOf(state.health, target.keys, now, state.owner);
    if (blocker === undefined || (best !== undefined && blocker.until >= best.until)) continue;
    best = { until: blocker.until, targetIndex: target.index, key: blocker.key };
    if (blocker.reason !== undefined) best = { ...best, reason: blocker.reason };
  }
  return best;
}
