// One attempt as a stream: one `doStream` call, its parts read one by one and turned into
// ModelStreamEvents, the attempt's timers told about headers and content, and every way the
// stream can go wrong (error status, transport, timer, truncation, malformed or error events)
// turned into one `failure` event that keeps the raw facts.
import type { ReadableStreamDefaultReader, ReadableStreamReadResult } from "node:stream/web";
import type { LanguageModelV4, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptControl } from "./attempt-control.ts";
import { type AttemptFacts, failureFrom, failureFromThrown } from "./attempt-failure.ts";
import { currentAttempt } from "./attempt-fetch.ts";
import type { ModelRequest, ModelStreamEvent, ModelTarget } from "./model-stream.ts";
import { transportCodeOf } from "./observed-fetch.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";
import { sdkCallOptions } from "./sdk-call-options.ts";
import { describeWarnings, finishReasonOf, parseToolInput, signatureOf } from "./sdk-parts.ts";
import { sortStreamError } from "./stream-error.ts";

/**
 * Reads one part. When the attempt's signal aborts, the reader is cancelled so a read that
 * would never settle (a stalled body) resolves, and the abort reason is thrown instead.
 */
async function readPart(
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>,
  signal: AbortSignal,
): Promise<ReadableStreamReadResult<LanguageModelV4StreamPart>> {
  const next = await reader.read();
  if (signal.aborted) throw signal.reason;
  return next;
}

export async function* streamAttempt(
  model: LanguageModelV4,
  endpoint: ProviderEndpoint,
  target: ModelTarget,
  request: ModelRequest,
  key: string,
): AsyncGenerator<ModelStreamEvent> {
  const control = new AttemptControl(request.timers, request.signal);
  const facts: AttemptFacts = { target, observation: {}, control, key, outputReachedCaller: false };
  let reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart> | undefined;
  /** True once the stream was read to its end: nothing is left to abort. */
  let completed = false;
  try {
    let result: Awaited<ReturnType<typeof model.doStream>>;
    try {
      result = await currentAttempt.run(facts, () =>
        model.doStream(sdkCallOptions(endpoint, request, control.signal)),
      );
    } catch (error) {
      yield { type: "failure", failure: failureFromThrown(facts, error) };
      return;
    }
    reader = result.stream.getReader();
    const streamReader = reader;
    control.signal.addEventListener(
      "abort",
      () => streamReader.cancel(control.signal.reason).catch(() => {}),
      {
        once: true,
      },
    );
    /** The SDK's warnings about the call (stream-start), then Baton's own (a skipped event). */
    const callWarnings: string[] = [];
    const warnings: string[] = [];
    let finish: Extract<LanguageModelV4StreamPart, { type: "finish" }> | undefined;
    let endedWithoutFinish = false;
    let sawToolCall = false;
    for (;;) {
      let next: ReadableStreamReadResult<LanguageModelV4StreamPart>;
      try {
        next = await readPart(reader, control.signal);
      } catch (error) {
        const code = transportCodeOf(error);
        yield {
          type: "failure",
          failure: failureFrom(facts, {
            streamProblem: "truncated",
            ...(code === undefined ? {} : { transportCode: code }),
            message: `stream broke: ${error instanceof Error ? error.message : String(error)}`,
          }),
        };
        return;
      }
      if (next.done) {
        completed = true;
        break;
      }
      const part = next.value;
      switch (part.type) {
        case "text-delta":
          if (part.delta === "") break;
          control.contentArrived();
          facts.outputReachedCaller = true;
          yield { type: "text-delta", text: part.delta };
          break;
        case "reasoning-delta": {
          const signature = signatureOf(part);
          if (part.delta === "" && signature === undefined) break;
          control.contentArrived();
          facts.outputReachedCaller = true;
          yield {
            type: "reasoning-delta",
            text: part.delta,
            ...(signature === undefined ? {} : { signature }),
          };
          break;
        }
        case "tool-call": {
          const input = parseToolInput(part.input);
          if (!input.ok) {
            yield {
              type: "failure",
              failure: failureFrom(facts, {
                streamProblem: "malformed",
                message: `tool call ${part.toolName} has arguments that are not JSON`,
              }),
            };
            return;
          }
          const signature = signatureOf(part);
          control.contentArrived();
          facts.outputReachedCaller = true;
          sawToolCall = true;
          yield {
            type: "tool-call",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: input.value,
            ...(signature === undefined ? {} : { signature }),
          };
          break;
        }
        case "stream-start":
          callWarnings.push(...describeWarnings(part.warnings));
          break;
        case "finish":
          finish = part;
          break;
        case "error": {
          const sorted = sortStreamError(part.error);
          if (sorted.kind === "ended-without-finish") {
            endedWithoutFinish = true;
            break;
          }
          if (sorted.kind === "malformed-event" && warnings.length === 0) {
            warnings.push(`skipped one malformed event: ${sorted.message}`);
            break;
          }
          yield {
            type: "failure",
            failure: failureFrom(
              facts,
              sorted.kind === "malformed-event"
                ? { streamProblem: "malformed", message: `more than one malformed event: ${sorted.message}` }
                : {
                    streamProblem: "error-event",
                    ...(sorted.body === undefined ? {} : { body: sorted.body }),
                    message: sorted.message,
                  },
            ),
          };
          return;
        }
        default:
          break;
      }
    }
    // The SDKs report a stream that ended before its terminal event as finish reason "interrupted".
    if (finish === undefined || endedWithoutFinish || finish.finishReason.unified === "interrupted") {
      yield {
        type: "failure",
        failure: failureFrom(facts, {
          streamProblem: "truncated",
          message: "stream ended without a finish event",
        }),
      };
      return;
    }
    yield {
      type: "finish",
      finishReason: finishReasonOf(finish.finishReason, warnings.length > 0, sawToolCall),
      usage: {
        inputTokens: finish.usage.inputTokens.total ?? 0,
        outputTokens: finish.usage.outputTokens.total ?? 0,
      },
      ...(callWarnings.length + warnings.length === 0 ? {} : { warnings: [...callWarnings, ...warnings] }),
    };
  } finally {
    control.dispose(completed);
    if (!completed) reader?.cancel().catch(() => {});
  }
}
