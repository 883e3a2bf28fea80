// Runs one attempt: streams it from the ModelCaller, forwards content according to the commit
// mode (forward at once, or hold until the attempt finishes), collects the assistant content,
// and reports how it ended. It decides nothing and classifies nothing: a provider failure is
// returned raw. It stops waiting at once when the turn's signal fires (abort or deadline), even
// if the adapter does not.
import type { AssistantPart, ToolCallPart } from "../providers/conversation.ts";
import type {
  FinishReason,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
  Usage,
} from "../providers/model-stream.ts";
import type { ProviderFailure } from "../providers/provider-failure.ts";
import type { ContentEvent } from "../trace/trace-event.ts";
import type { ExpandedTarget } from "./chain.ts";
import type { Failure } from "./failure.ts";
import type { CommitMode } from "./policy.ts";

export interface AttemptOutput {
  readonly text: string;
  readonly content: readonly AssistantPart[];
  readonly toolCalls: readonly ToolCallPart[];
  /** True when nothing but text arrived. */
  readonly textOnly: boolean;
  /** True when some content was forwarded to the caller. */
  readonly forwarded: boolean;
}

export type AttemptOutcome =
  | {
      readonly kind: "finished";
      readonly output: AttemptOutput;
      readonly finishReason: FinishReason;
      readonly usage: Usage;
      /** What the adapter noted about an answer it still accepted (a dropped setting, a skipped event). */
      readonly warnings?: readonly string[];
    }
  | { readonly kind: "failed"; readonly output: AttemptOutput; readonly raw: ProviderFailure }
  /** The stream ended without a finish or failure event (an adapter contract violation). */
  | { readonly kind: "unterminated"; readonly output: AttemptOutput }
  /** The caller (or a listener) threw. */
  | { readonly kind: "crashed"; readonly output: AttemptOutput; readonly error: unknown }
  /** The turn's signal fired: the caller aborted or the deadline passed. */
  | { readonly kind: "interrupted"; readonly output: AttemptOutput };

export interface AttemptSetup {
  readonly caller: ModelCaller;
  readonly target: ExpandedTarget;
  readonly request: ModelRequest;
  /** 1-based attempt number, for content events. */
  readonly attempt: number;
  readonly commitMode: CommitMode;
  readonly signal: AbortSignal;
  readonly emit: (event: ContentEvent) => void;
  readonly now: () => number;
}

class OutputBuilder {
  readonly content: AssistantPart[] = [];
  readonly toolCalls: ToolCallPart[] = [];
  text = "";
  textOnly = true;
  forwarded = false;

  add(event: ModelStreamEvent): void {
    const last = this.content.at(-1);
    if (event.type === "text-delta") {
      this.text += event.text;
      if (last?.type === "text")
        this.content[this.content.length - 1] = { type: "text", text: last.text + event.text };
      else this.content.push({ type: "text", text: event.text });
    } else if (event.type === "reasoning-delta") {
      this.textOnly = false;
      const signature = event.signature ?? (last?.type === "reasoning" ? last.signature : undefined);
      const text = (last?.type === "reasoning" ? last.text : "") + event.text;
      const part =
        signature === undefined
          ? { type: "reasoning" as const, text }
          : { type: "reasoning" as const, text, signature };
      if (last?.type === "reasoning") this.content[this.content.length - 1] = part;
      else this.content.push(part);
    } else if (event.type === "tool-call") {
      this.textOnly = false;
      const part: ToolCallPart = {
        type: "tool-call",
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: event.input,
        // Gemini binds a thought signature to the call; it must be replayed to Gemini with it.
        ...(event.signature === undefined ? {} : { signature: event.signature }),
      };
      this.content.push(part);
      this.toolCalls.push(part);
    }
  }

  output(): AttemptOutput {
    return {
      text: this.text,
      content: this.content,
      toolCalls: this.toolCalls,
      textOnly: this.textOnly,
      forwarded: this.forwarded,
    };
  }
}

function toContentEvent(event: ModelStreamEvent, attempt: number, at: number): ContentEvent | undefined {
  switch (event.type) {
    case "text-delta":
      return { type: "text-delta", at, attempt, text: event.text };
    case "reasoning-delta":
      return event.signature === undefined
        ? { type: "reasoning-delta", at, attempt, text: event.text }
        : { type: "reasoning-delta", at, attempt, text: event.text, signature: event.signature };
    case "tool-call":
      return {
        type: "tool-call",
        at,
        attempt,
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: event.input,
      };
    default:
      return undefined;
  }
}

const interrupted = Symbol("interrupted");

function close(iterator: AsyncIterator<ModelStreamEvent>): void {
  try {
    const closing = iterator.return?.();
    if (closing !== undefined) closing.catch(() => {});
  } catch {
    // A broken iterator cannot be closed; nothing else to do.
  }
}

export async function runAttempt(setup: AttemptSetup): Promise<AttemptOutcome> {
  const builder = new OutputBuilder();
  const held: ModelStreamEvent[] = [];
  const { signal } = setup;
  if (signal.aborted) return { kind: "interrupted", output: builder.output() };
  let onAbort = (): void => {};
  const stopped = new Promise<typeof interrupted>((resolve) => {
    onAbort = () => resolve(interrupted);
  });
  signal.addEventListener("abort", onAbort, { once: true });
  let iterator: AsyncIterator<ModelStreamEvent> | undefined;
  try {
    iterator = setup.caller.stream(setup.target.target, setup.request)[Symbol.asyncIterator]();
    for (;;) {
      const step = await Promise.race([iterator.next(), stopped]);
      if (step === interrupted) {
        close(iterator);
        return { kind: "interrupted", output: builder.output() };
      }
      if (step.done === true) return { kind: "unterminated", output: builder.output() };
      const event = step.value;
      if (event.type === "finish") {
        close(iterator);
        for (const late of held) {
          const content = toContentEvent(late, setup.attempt, setup.now());
          if (content !== undefined) setup.emit(content);
        }
        builder.forwarded ||= held.length > 0;
        return {
          kind: "finished",
          output: builder.output(),
          finishReason: event.finishReason,
          usage: event.usage,
          ...(event.warnings === undefined ? {} : { warnings: event.warnings }),
        };
      }
      if (event.type === "failure") {
        close(iterator);
        return signal.aborted
          ? { kind: "interrupted", output: builder.output() }
          : { kind: "failed", output: builder.output(), raw: event.failure };
      }
      builder.add(event);
      if (setup.commitMode === "hold") {
        held.push(event);
        continue;
      }
      const content = toContentEvent(event, setup.attempt, setup.now());
      if (content !== undefined) {
        builder.forwarded = true;
        setup.emit(content);
      }
    }
  } catch (error) {
    if (iterator !== undefined) close(iterator);
    return { kind: "crashed", output: builder.output(), error };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * The classified failure of an attempt that ended badly. A provider failure goes through
 * `classify`; the engine's own observations are named directly: a stream that ended without a
 * terminal event is a truncated stream, a throw (caller, listener or classifier) is internal.
 */
export function failureOfOutcome(
  outcome: Extract<AttemptOutcome, { kind: "failed" | "unterminated" | "crashed" }>,
  classify: (failure: ProviderFailure, now: number) => Failure,
  now: number,
): Failure {
  if (outcome.kind === "unterminated") {
    return {
      reason: "truncated_stream",
      scope: "attempt",
      message: "the stream ended without a finish or failure event",
    };
  }
  if (outcome.kind === "crashed") {
    const error = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    return { reason: "internal", scope: "runtime", message: `${error.message}\n${error.stack ?? ""}`.trim() };
  }
  try {
    return classify(outcome.raw, now);
  } catch (error) {
    return { reason: "internal", scope: "runtime", message: `classify threw: ${(error as Error).message}` };
  }
}
