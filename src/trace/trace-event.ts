// The typed trace of a turn: one event per attempt start/end, wait, skip, credential rotation,
// cooldown, breaker change and decision, the final outcome, and the content events forwarded to
// the caller. Types only. Every event has `at` (epoch ms from the engine's clock). Keys and
// secrets never appear: a credential is named by its id, a health key by its parts.
import type { FailureReason, FailureScope } from "../failover/failure.ts";
import type { HealthKeyKind } from "../health/health-key.ts";
import type { FinishReason, ModelTarget, Usage } from "../providers/model-stream.ts";
import type { TimerName } from "../providers/provider-failure.ts";

/** A health key as the trace shows it (no revision), with a label for people. */
export interface TraceKey {
  readonly kind: HealthKeyKind;
  readonly provider: string;
  readonly credentialId?: string;
  readonly model?: string;
  /** `openai (credential openai:work)`. */
  readonly label: string;
}

/** Why a target got no request. */
export type SkipWhy =
  /** One of its keys is cooling (rate limit, quota, auth...). */
  | "cooling"
  /** One of its keys has an open breaker. */
  | "breaker-open"
  /** Half-open, and another turn holds the probe. */
  | "probe-in-flight"
  /** After a context overflow: its window is not known to be larger. */
  | "context-window"
  /** Output reached a caller that cannot retract it, and this target cannot continue it. */
  | "no-prefill";

/** How a failed turn ended. */
export type StopKind =
  /** A local cause (session conflict, abort, bug): no model was blamed. */
  | "runtime"
  /** The request itself was refused (content policy, invalid request). */
  | "request"
  /** The prompt is too long and no later candidate has a larger window: compact and retry. */
  | "context-overflow"
  /** Every candidate failed or is cooling past the deadline. */
  | "exhausted"
  | "deadline"
  | "attempt-budget"
  /** Output reached a caller that cannot retract it and no candidate can continue it. */
  | "partial-output";

export type WaitCause = "retry-after" | "backoff" | "recovery";

interface At {
  readonly at: number;
}

export interface AttemptStarted extends At {
  readonly type: "attempt-started";
  /** 1-based, counting every request of the turn. */
  readonly attempt: number;
  readonly target: ModelTarget;
  /** `prefill`: continues a cut answer sent as a trailing assistant message. */
  readonly continuation: "none" | "prefill";
  /** True when this request is a half-open breaker's probe. */
  readonly probe: boolean;
}

export interface AttemptFinished extends At {
  readonly type: "attempt-finished";
  readonly attempt: number;
  readonly target: ModelTarget;
  readonly ms: number;
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  /**
   * What the adapter noted about an answer it accepted: a setting the model does not take and
   * the SDK dropped ("temperature: ... will be ignored"), one malformed event skipped.
   */
  readonly warnings?: readonly string[];
}

export interface AttemptFailed extends At {
  readonly type: "attempt-failed";
  readonly attempt: number;
  readonly target: ModelTarget;
  readonly ms: number;
  readonly reason: FailureReason;
  readonly scope: FailureScope;
  readonly message: string;
  readonly status?: number;
  readonly timer?: TimerName;
  readonly outputReachedCaller: boolean;
}

/** Everything forwarded since the last discard (or the turn's start) is void: clear it. */
export interface AttemptDiscarded extends At {
  readonly type: "attempt-discarded";
  readonly attempt: number;
  readonly target: ModelTarget;
  /** Characters of text being retracted. */
  readonly textLength: number;
}

export interface WaitStarted extends At {
  readonly type: "wait-started";
  readonly cause: WaitCause;
  readonly until: number;
  readonly ms: number;
  /** The target the wait is for (retry-after, backoff). */
  readonly target?: ModelTarget;
  /** The key whose recovery is awaited (recovery). */
  readonly key?: TraceKey;
  readonly reason?: FailureReason;
}

export interface CandidateSkipped extends At {
  readonly type: "candidate-skipped";
  readonly target: ModelTarget;
  readonly why: SkipWhy;
  readonly key?: TraceKey;
  readonly until?: number;
  /** The reason the key is cooling. */
  readonly reason?: FailureReason;
}

export interface CredentialRotated extends At {
  readonly type: "credential-rotated";
  readonly provider: string;
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly reason: FailureReason;
}

export interface CooldownStarted extends At {
  readonly type: "cooldown-started";
  readonly key: TraceKey;
  readonly until: number;
  readonly reason: FailureReason;
  readonly source: "provider-hint" | "default";
}

export interface BreakerOpened extends At {
  readonly type: "breaker-opened";
  readonly key: TraceKey;
  readonly until: number;
  readonly reason: FailureReason;
}

export interface BreakerHalfOpen extends At {
  readonly type: "breaker-half-open";
  readonly key: TraceKey;
  /** The target whose request is the probe. */
  readonly target: ModelTarget;
}

export interface BreakerClosed extends At {
  readonly type: "breaker-closed";
  readonly key: TraceKey;
  /**
   * The opening this turn traced did not hold: when its write reached the shared registry,
   * another process's success had already reset the failure count there.
   */
  readonly superseded?: true;
}

/** What decide() chose after a failure, and why, in one line. */
export interface DecisionMade extends At {
  readonly type: "decision-made";
  readonly action: "attempt" | "retry" | "rotate-credential" | "next-candidate" | "wait" | "stop";
  readonly why: string;
}

export interface HealthWriteFailed extends At {
  readonly type: "health-write-failed";
  readonly message: string;
}

export interface StepAnswered extends At {
  readonly type: "step-answered";
  readonly served: ModelTarget;
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  readonly attempts: number;
  readonly ms: number;
}

export interface StepFailed extends At {
  readonly type: "step-failed";
  readonly kind: StopKind;
  readonly reason?: FailureReason;
  readonly scope?: FailureScope;
  /** The error message's first line. */
  readonly summary: string;
  readonly attempts: number;
  readonly ms: number;
}

export interface TextDelta extends At {
  readonly type: "text-delta";
  readonly attempt: number;
  readonly text: string;
}

export interface ReasoningDelta extends At {
  readonly type: "reasoning-delta";
  readonly attempt: number;
  readonly text: string;
  readonly signature?: string;
}

export interface ToolCallEvent extends At {
  readonly type: "tool-call";
  readonly attempt: number;
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: unknown;
}

export type ContentEvent = TextDelta | ReasoningDelta | ToolCallEvent;

export type TraceEvent =
  | AttemptStarted
  | AttemptFinished
  | AttemptFailed
  | AttemptDiscarded
  | WaitStarted
  | CandidateSkipped
  | CredentialRotated
  | CooldownStarted
  | BreakerOpened
  | BreakerHalfOpen
  | BreakerClosed
  | DecisionMade
  | HealthWriteFailed
  | StepAnswered
  | StepFailed
  | ContentEvent;

export type TraceEventType = TraceEvent["type"];

export function isContentEvent(event: TraceEvent): event is ContentEvent {
  return event.type === "text-delta" || event.type === "reasoning-delta" || event.type === "tool-call";
}
