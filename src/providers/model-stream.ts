// The one streaming interface every adapter implements, and the events it yields. A stream
// ends with exactly one `finish` or one `failure` event; anything else is a bug in the adapter.
import type { ConversationMessage, ToolDefinition } from "./conversation.ts";
import type { ProviderFailure } from "./provider-failure.ts";
import type { WireProtocol } from "./wire-protocol.ts";

/** One concrete place to send a request: a model of a provider, through one credential. */
export interface ModelTarget {
  readonly provider: string;
  readonly api: WireProtocol;
  readonly model: string;
  readonly credentialId: string;
}

export interface ModelTimers {
  /** Until response headers arrive. */
  readonly connectMs?: number;
  /** Until the first content event (text, reasoning or tool call). */
  readonly firstTokenMs?: number;
  /** Longest silence between two events once content has started. */
  readonly idleMs?: number;
}

/**
 * Sampling settings passed to the provider as given (OpenAI Chat names in brackets). A provider
 * that does not support one ignores it; the AI SDK records a warning, nothing fails.
 */
export interface Sampling {
  /** [temperature] */
  readonly temperature?: number;
  /** [top_p] */
  readonly topP?: number;
  /** [presence_penalty] */
  readonly presencePenalty?: number;
  /** [frequency_penalty] */
  readonly frequencyPenalty?: number;
  /** [seed] */
  readonly seed?: number;
  /** [stop] */
  readonly stopSequences?: readonly string[];
}

/** Reasoning effort levels, as OpenAI names them; the AI SDK maps them for other providers. */
export const reasoningEfforts = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;
export type ReasoningEffort = (typeof reasoningEfforts)[number];

export interface ModelRequest {
  readonly messages: readonly ConversationMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly maxOutputTokens?: number;
  readonly sampling?: Sampling;
  /**
   * How much the model should reason first (OpenAI reasoning effort, Anthropic and Gemini
   * thinking), mapped by the AI SDK to each provider's form; unset: the provider's default.
   */
  readonly reasoning?: ReasoningEffort;
  readonly timers?: ModelTimers;
  /** The caller's abort signal (turn deadline or cancellation). */
  readonly signal?: AbortSignal;
  /**
   * The caller takes the answer only whole (nothing is shown before the attempt ends): the
   * adapter may ask for it in one non-streamed request when no timer is set (attempt-mode.ts).
   * The events are the same kinds; text arrives in one delta.
   */
  readonly whole?: boolean;
}

export type FinishReason = "stop" | "length" | "tool-calls" | "content-filter" | "other";

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type ModelStreamEvent =
  | { readonly type: "text-delta"; readonly text: string }
  | { readonly type: "reasoning-delta"; readonly text: string; readonly signature?: string }
  | {
      readonly type: "tool-call";
      readonly toolCallId: string;
      readonly toolName: string;
      readonly input: unknown;
      /** Provider signature bound to this call (Gemini thought signature). */
      readonly signature?: string;
    }
  | {
      readonly type: "finish";
      readonly finishReason: FinishReason;
      readonly usage: Usage;
      /** What the adapter tolerated on the way (e.g. one malformed event skipped). */
      readonly warnings?: readonly string[];
    }
  | { readonly type: "failure"; readonly failure: ProviderFailure };

/** Streams one attempt against one target. Never throws: failures arrive as a `failure` event. */
export interface ModelCaller {
  stream(target: ModelTarget, request: ModelRequest): AsyncIterable<ModelStreamEvent>;
}
