// What runWithFailover returns: the answer, who produced it (model and credential) with its
// usage, and every attempt and skip of the step, failed ones reported separately. Types only.
import type { AssistantPart, ToolCallPart } from "../providers/conversation.ts";
import type { FinishReason, ModelTarget, Usage } from "../providers/model-stream.ts";
import type { TimerName } from "../providers/provider-failure.ts";
import type { SkipWhy, TraceKey } from "../trace/trace-event.ts";
import type { FailureReason, FailureScope } from "./failure.ts";

export interface AttemptReport {
  /** 1-based, in the order the requests were sent. */
  readonly attempt: number;
  readonly target: ModelTarget;
  /** `interrupted`: ended by the caller's abort or the step deadline. */
  readonly outcome: "answered" | "failed" | "interrupted";
  readonly reason?: FailureReason;
  readonly scope?: FailureScope;
  readonly message?: string;
  readonly status?: number;
  readonly timer?: TimerName;
  readonly startedAt: number;
  readonly ms: number;
  /** True when some of its output had been forwarded to the caller. */
  readonly outputReachedCaller: boolean;
  readonly continuation: "none" | "prefill";
  /** True when the request was a half-open breaker's probe. */
  readonly probe: boolean;
}

export interface SkipReport {
  readonly at: number;
  readonly target: ModelTarget;
  readonly why: SkipWhy;
  readonly key?: TraceKey;
  readonly until?: number;
  readonly reason?: FailureReason;
}

export interface FailoverResult {
  /** The answer's text (including any prefix continued with a prefill). */
  readonly text: string;
  /** The assistant message content in order: reasoning, text and tool calls. */
  readonly content: readonly AssistantPart[];
  readonly toolCalls: readonly ToolCallPart[];
  /** The model and credential that produced the answer. */
  readonly served: ModelTarget;
  /** The answering attempt's usage only; failed attempts are never billed as the answer. */
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  /** Text of a cut attempt that `served` continued from, when a prefill was used. */
  readonly prefilledText?: string;
  readonly attempts: readonly AttemptReport[];
  readonly skipped: readonly SkipReport[];
  readonly startedAt: number;
  readonly ms: number;
}
