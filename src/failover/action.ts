// What decide() and choose() return: the next action for the engine, the health events to
// record, and the breaker/cooldown changes those events cause. Types only.
import type { HealthKey } from "../health/health-key.ts";
import type { HealthChange, HealthEvent } from "../health/health-state.ts";
import type { SkipWhy, StopKind, WaitCause } from "../trace/trace-event.ts";
import type { Failure, FailureReason } from "./failure.ts";

/** A target passed over without a request, and why. */
export interface SkippedTarget {
  readonly targetIndex: number;
  readonly why: SkipWhy;
  readonly key?: HealthKey;
  readonly until?: number;
  readonly reason?: FailureReason;
}

/** `discard`: tell the caller to drop what it saw; `prefill`: continue it on the next target. */
export type Continuation = "none" | "discard" | "prefill";

export interface StopCause {
  readonly kind: StopKind;
  /** The failure that stopped the chain (request, runtime, context overflow). */
  readonly failure?: Failure;
  /** When every candidate was cooling: the earliest recovery, past the deadline. */
  readonly recoveryAt?: number;
  readonly recoveryKey?: HealthKey;
}

export type Action =
  /** Send to this target (the first pick of a step, or after a wait). */
  | {
      readonly type: "attempt";
      readonly targetIndex: number;
      readonly skipped: readonly SkippedTarget[];
      readonly continuation: Continuation;
      readonly why: string;
    }
  /** Send to the same target again after `delayMs`. */
  | {
      readonly type: "retry";
      readonly targetIndex: number;
      readonly delayMs: number;
      readonly cause: Exclude<WaitCause, "recovery">;
      readonly continuation: Continuation;
      readonly why: string;
    }
  /** Same candidate, next credential of its provider. */
  | {
      readonly type: "rotate-credential";
      readonly targetIndex: number;
      readonly fromIndex: number;
      readonly skipped: readonly SkippedTarget[];
      readonly continuation: Continuation;
      readonly why: string;
    }
  /** A later candidate. */
  | {
      readonly type: "next-candidate";
      readonly targetIndex: number;
      readonly skipped: readonly SkippedTarget[];
      readonly continuation: Continuation;
      readonly why: string;
    }
  /** Nothing is available now; the earliest recovery fits the deadline: wait, then choose again. */
  | {
      readonly type: "wait";
      readonly untilMs: number;
      readonly key?: HealthKey;
      readonly reason?: FailureReason;
      readonly skipped: readonly SkippedTarget[];
      readonly why: string;
    }
  | {
      readonly type: "stop";
      readonly cause: StopCause;
      readonly skipped: readonly SkippedTarget[];
      readonly why: string;
    };

export interface Decision {
  readonly action: Action;
  /** To record in the health registry (already applied to the snapshot the action was chosen on). */
  readonly health: readonly HealthEvent[];
  readonly changes: readonly HealthChange[];
}
