// A streaming answer as OpenAI `chat.completion.chunk` server-sent events. The HTTP status is
// committed only when the first content arrives: a turn that fails before any output gets a
// real error status; after it, a failure the engine cannot rescue ends the stream with an
// in-stream `data: {"error": ...}` event and no `[DONE]`, never with a normal finish. With the
// `hold` commit mode the engine releases content only once a step has completed, so a
// mid-stream provider failure never reaches the client at all. Client disconnects abort the turn.
import type { ModelTarget } from "../providers/model-stream.ts";
import type { ContentEvent } from "../trace/trace-event.ts";
import type { TurnEvent } from "../turn/turn-event.ts";
import type { TurnResult, TurnRun } from "../turn/turn-types.ts";
import { ChunkWriter, sse } from "./chunk-writer.ts";
import { GatewayError } from "./gateway-error.ts";
import { openAiFinishReason, openAiToolCall, servedHeaders, servedModel } from "./openai-shapes.ts";
import { gatewayErrorOf } from "./turn-error-status.ts";

export interface StreamSetup {
  readonly run: TurnRun;
  /** Unix seconds, the chunks' `created`. */
  readonly created: number;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  readonly includeUsage: boolean;
  /** Sees every turn event (metrics). */
  readonly observe: (event: TurnEvent) => void;
  /** Called once when the stream's first content chunk is committed. */
  readonly committed?: () => void;
  /**
   * Called once when the response is over, with the status sent (499: the client went away)
   * and how it ended, for the access log (`-> deepseek/deepseek-v4-pro`, `error overloaded`...).
   */
  readonly done: (status: number, outcome: string) => void;
  /** Aborts the turn: the client went away. */
  readonly abort: () => void;
}

const encoder = new TextEncoder();

/** Marks "the event loop moved on" in the race between the next event and a write. */
const flushNow: unique symbol = Symbol("flush");

function isContent(event: TurnEvent): event is ContentEvent {
  return event.type === "text-delta" || event.type === "reasoning-delta" || event.type === "tool-call";
}

/** Reads events until the first content event (or the end), feeding `observe`. */
async function untilContent(
  events: AsyncIterator<TurnEvent>,
  setup: StreamSetup,
  targets: Map<number, ModelTarget>,
): Promise<ContentEvent | undefined> {
  for (;;) {
    const next = await events.next();
    if (next.done === true) return undefined;
    setup.observe(next.value);
    if (next.value.type === "attempt-started") targets.set(next.value.attempt, next.value.target);
    if (isContent(next.value)) return next.value;
  }
}

/**
 * Answers a streaming request from a running turn.
 * @example
 * return streamCompletion({ run, created, includeUsage: false, observe, done, abort });
 */
export async function streamCompletion(setup: StreamSetup): Promise<Response> {
  const { run } = setup;
  const events = run.events[Symbol.asyncIterator]();
  const targets = new Map<number, ModelTarget>();
  const opening = await untilContent(events, setup, targets);
  let early: TurnResult | undefined;
  if (opening === undefined) {
    try {
      early = await run.result;
    } catch (error) {
      const failure = gatewayErrorOf(error);
      setup.done(failure.status, `error ${failure.baton?.reason ?? failure.code ?? ""}`);
      return failure.toResponse();
    }
  }
  const attempt = opening?.attempt;
  const first = (attempt === undefined ? undefined : targets.get(attempt)) ?? early?.served;
  if (first === undefined) {
    const failure = gatewayErrorOf(new Error("content arrived from an attempt that never started"));
    setup.done(failure.status, "error internal");
    return failure.toResponse();
  }
  setup.committed?.();
  const writer = new ChunkWriter(`chatcmpl-${run.turnId}`, setup.created, servedModel(first));
  let toolIndex = 0;
  let withdrawn = false;
  let over = false;
  /** An event read that was not ready in time for the last write; the next pull takes it first. */
  let pending: Promise<IteratorResult<TurnEvent>> | undefined;

  const translate = (event: TurnEvent): string | undefined => {
    switch (event.type) {
      case "attempt-started":
        writer.model = servedModel(event.target);
        return undefined;
      case "attempt-discarded":
        // Output the client already holds was withdrawn: whatever follows, this stream cannot end well.
        withdrawn = true;
        return undefined;
      case "text-delta":
        return withdrawn ? undefined : writer.delta({ content: event.text });
      case "reasoning-delta":
        return withdrawn ? undefined : writer.delta({ reasoning_content: event.text });
      case "tool-call":
        return withdrawn
          ? undefined
          : writer.delta({ tool_calls: [{ index: toolIndex++, ...openAiToolCall(event) }] });
      default:
        return undefined;
    }
  };

  const ending = async (): Promise<{ text: string; outcome: string }> => {
    let result: TurnResult;
    try {
      result = early ?? (await run.result);
    } catch (error) {
      const failure = gatewayErrorOf(error);
      return {
        text: sse(failure.toJSON()),
        outcome: `ended by an error event: ${failure.baton?.reason ?? failure.code}`,
      };
    }
    if (withdrawn) {
      const error = new GatewayError("output already sent on this stream was withdrawn by a failed attempt", {
        status: 502,
        type: "server_error",
        code: "partial_output",
        baton: { reason: "internal", scope: "runtime", kind: "partial-output" },
      });
      return { text: sse(error.toJSON()), outcome: "ended by an error event: partial-output" };
    }
    writer.model = servedModel(result.served);
    const finish = writer.delta({}, openAiFinishReason(result.finishReason));
    return {
      text: `${finish}${setup.includeUsage ? writer.usage(result) : ""}data: [DONE]\n\n`,
      outcome: `-> ${servedModel(result.served)} after ${result.attempts.length} attempt(s)`,
    };
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const opened = opening === undefined ? "" : (translate(opening) ?? "");
      controller.enqueue(encoder.encode(writer.delta({ role: "assistant", content: "" }) + opened));
    },
    async pull(controller) {
      // Chunks whose events are already waiting go out together, in one write: once some text
      // is ready, the loop waits for more only until this turn of the event loop ends.
      let text = "";
      let flushed: Promise<typeof flushNow> | undefined;
      for (;;) {
        const next =
          pending ??
          (early === undefined ? events.next() : Promise.resolve({ done: true as const, value: undefined }));
        pending = undefined;
        let step: IteratorResult<TurnEvent> | typeof flushNow;
        if (text === "") step = await next;
        else {
          flushed ??= new Promise((resolve) => setImmediate(resolve, flushNow));
          step = await Promise.race([next, flushed]);
          if (step === flushNow) {
            // Not here yet: send what is ready; this event is read by the next pull.
            pending = next;
            if (!over) controller.enqueue(encoder.encode(text));
            return;
          }
        }
        if (over) return;
        if (step.done === true) {
          const end = await ending();
          if (over) return;
          over = true;
          controller.enqueue(encoder.encode(text + end.text));
          controller.close();
          setup.done(200, end.outcome);
          return;
        }
        setup.observe(step.value);
        text += translate(step.value) ?? "";
      }
    },
    cancel() {
      if (over) return;
      over = true;
      setup.abort();
      setup.done(499, "the client closed the connection");
      // Keep feeding metrics until the aborted turn has said how it ended.
      const waiting = pending;
      pending = undefined;
      void (async () => {
        if (waiting !== undefined) {
          const next = await waiting;
          if (next.done === true) return;
          setup.observe(next.value);
        }
        for (;;) {
          const next = await events.next();
          if (next.done === true) return;
          setup.observe(next.value);
        }
      })();
    },
  });
  const attempts = attempt ?? early?.attempts.length ?? 1;
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      ...servedHeaders(attempts, first, run.turnId),
    },
  });
}
