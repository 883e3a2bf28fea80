// The turn runner's inputs and outputs (types only): what a caller passes to run one turn,
// the parts it is composed from, and the result it gets back.
import type { RuntimeConfig } from "../config/resolve-runtime.ts";
import type { Clock } from "../failover/clock.ts";
import type { AttemptReport } from "../failover/failover-result.ts";
import type { FailoverPolicyInput } from "../failover/policy.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import type {
  AssistantPart,
  ConversationMessage,
  ToolCallPart,
  ToolDefinition,
} from "../providers/conversation.ts";
import type {
  FinishReason,
  ModelCaller,
  ModelTarget,
  ReasoningEffort,
  Sampling,
  Usage,
} from "../providers/model-stream.ts";
import type { SessionStore } from "../session/session-store.ts";
import type { Tool } from "./tool.ts";
import type { TurnEvent } from "./turn-event.ts";

/** The parts a turn is composed from. */
export interface TurnParts {
  readonly runtime: RuntimeConfig;
  readonly caller: ModelCaller;
  readonly health: HealthRegistry;
  /** Needed only for turns with a session id. */
  readonly store?: SessionStore;
  /** Where a session's trace file lives: `<dir>/<id>.trace.jsonl` (defaults to the store's folder). */
  readonly traceDir?: string;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** A tool result the caller produced for a tool call of an earlier step (see `toolDefinitions`). */
export type ToolResultMessage = Extract<ConversationMessage, { readonly role: "tool" }>;

export interface TurnOptions {
  /** The user's message. May be omitted when `toolResults` continue the conversation. */
  readonly message?: string;
  /**
   * Results of tool calls the caller executed itself (tools offered with `toolDefinitions`),
   * appended in order before the first step (and before `message`, when both are given).
   */
  readonly toolResults?: readonly ToolResultMessage[];
  /** Which configured chain (default: the config's default chain). */
  readonly chain?: string;
  /** An ad-hoc chain of `provider/model` references instead of a named one. */
  readonly candidates?: readonly string[];
  /** Persist the turn to this session (created when missing). Without it the turn is stateless. */
  readonly sessionId?: string;
  /** Earlier conversation for a stateless turn (a gateway request carries its own history). */
  readonly history?: readonly ConversationMessage[];
  /** A system prompt, sent with every step and never persisted. */
  readonly system?: string;
  readonly tools?: readonly Tool[];
  /**
   * Tools offered to the model that Baton does NOT execute (an OpenAI-style client runs them).
   * When given (even empty), a step that calls any tool that is not one of `tools` ends the
   * turn; its tool calls (all of them, none executed) are in `result.pendingToolCalls`, with
   * finish reason `tool-calls`.
   */
  readonly toolDefinitions?: readonly ToolDefinition[];
  /** Caps each step's output (a gateway request's `max_tokens`); the provider's default otherwise. */
  readonly maxOutputTokens?: number;
  /** Temperature, top-p, penalties, seed and stop sequences for every step, as given. */
  readonly sampling?: Sampling;
  /** Reasoning effort for every step (`none` ... `xhigh`); the provider's default otherwise. */
  readonly reasoning?: ReasoningEffort;
  /** Model steps per turn (a tool call and its result make one more step). Default 16. */
  readonly maxSteps?: number;
  /** Per-turn policy overrides (e.g. the gateway's commit mode and `canRetract: false`). */
  readonly policy?: FailoverPolicyInput;
  /**
   * The caller reads only the finished answer, not live text (the gateway's non-streaming
   * requests). With commit mode `hold` and no per-attempt timer in force, each attempt then asks
   * the provider for its answer in one non-streamed request; failures are classified the same.
   */
  readonly wholeAnswer?: boolean;
  readonly signal?: AbortSignal;
  /** Called for every event, in order (the same events `events` yields). */
  readonly onEvent?: (event: TurnEvent) => void;
}

export interface ExecutedToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly isError: boolean;
}

export interface TurnResult {
  readonly turnId: string;
  readonly sessionId?: string;
  /** The final answer's text. */
  readonly text: string;
  /** The model and credential that produced the final answer. */
  readonly served: ModelTarget;
  /** Usage summed over the turn's answering steps; failed attempts are not included. */
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  readonly steps: number;
  /** Every attempt of every step, failed ones included. */
  readonly attempts: readonly AttemptReport[];
  readonly toolCalls: readonly ExecutedToolCall[];
  /** The final step's assistant content in order (reasoning, text, tool calls). */
  readonly content: readonly AssistantPart[];
  /** Tool calls the caller must execute (to tools offered with `toolDefinitions`); empty otherwise. */
  readonly pendingToolCalls: readonly ToolCallPart[];
}

/** A running turn: iterate `events` for progress, await `result` for the outcome. */
export interface TurnRun {
  readonly turnId: string;
  readonly events: AsyncIterable<TurnEvent>;
  /** Resolves with the answer, or rejects with a TurnError. */
  readonly result: Promise<TurnResult>;
}
