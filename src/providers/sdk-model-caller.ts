// The ModelCaller over the AI SDK provider packages: one `doStream` per attempt, Baton's
// fetch injected (no retries underneath), timers per attempt, and every way an attempt can
// go wrong turned into a `failure` event that keeps the raw facts. It decides nothing.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ReadableStreamDefaultReader, ReadableStreamReadResult } from "node:stream/web";
import { APICallError, type LanguageModelV4, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { AttemptControl } from "./attempt-control.ts";
import { createLanguageModel, type FetchFunction } from "./create-language-model.ts";
import { parseErrorBody } from "./error-body.ts";
import type {
  FinishReason,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
  ModelTarget,
} from "./model-stream.ts";
import { type FetchObservation, observedFetch, transportCodeOf } from "./observed-fetch.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";
import type { ProviderErrorBody, ProviderFailure, StreamProblem } from "./provider-failure.ts";
import { redactSecrets } from "./redact.ts";
import { sortStreamError } from "./stream-error.ts";
import { toSdkPrompt, toSdkTools } from "./to-sdk-prompt.ts";

export interface SdkModelCallerOptions {
  readonly endpoints: readonly ProviderEndpoint[];
  /** The key for a credential; undefined when it has none (allowed only for keyless providers). */
  readonly apiKey: (provider: string, credentialId: string) => string | undefined;
  /** The fetch to use underneath (defaults to the global one). */
  readonly fetch?: FetchFunction;
}

/** Facts gathered while an attempt runs, turned into a ProviderFailure when it fails. */
interface AttemptFacts {
  readonly target: ModelTarget;
  readonly observation: FetchObservation;
  readonly control: AttemptControl;
  readonly key: string;
  outputReachedCaller: boolean;
}

const finishReasons: ReadonlySet<string> = new Set(["stop", "length", "tool-calls", "content-filter"]);

function toFinishReason(unified: string): FinishReason {
  return finishReasons.has(unified) ? (unified as FinishReason) : "other";
}

/**
 * The finish reason of a complete stream. The OpenAI Responses SDK overwrites the reason with
 * "error" once any event fails to parse, even when the response then completed; after the one
 * skipped malformed event Baton tolerates, the reason is what the SDK would have said for a
 * response with no incomplete details: tool calls when some were made, else stop.
 */
function finishReasonOf(
  reason: { unified: string; raw?: string | undefined },
  skippedMalformedEvent: boolean,
  sawToolCall: boolean,
): FinishReason {
  if (skippedMalformedEvent && reason.unified === "error" && reason.raw === undefined)
    return sawToolCall ? "tool-calls" : "stop";
  return toFinishReason(reason.unified);
}

function describe(target: ModelTarget, detail: string): string {
  return `${target.provider}/${target.model}: ${detail}`;
}

function failureFrom(
  facts: AttemptFacts,
  detail: {
    status?: number;
    headers?: Record<string, string>;
    body?: ProviderErrorBody;
    transportCode?: string;
    streamProblem?: StreamProblem;
    message: string;
  },
): ProviderFailure {
  const { target, control, observation } = facts;
  const timer = control.firedTimer;
  const aborted = timer === undefined && control.callerAborted;
  const status = detail.status ?? observation.status;
  const headers = detail.headers ?? observation.headers;
  const transportCode = detail.transportCode ?? observation.transportCode;
  const body =
    detail.body?.message === undefined
      ? detail.body
      : { ...detail.body, message: redactSecrets(detail.body.message, facts.key) };
  const summary =
    timer !== undefined
      ? `${timer} timer fired${control.firedAfterMs === undefined ? "" : ` after ${control.firedAfterMs} ms`}`
      : aborted
        ? "aborted by the caller"
        : [
            status === undefined ? undefined : `HTTP ${status}`,
            body?.code ?? body?.type ?? body?.status,
            body?.message ?? detail.message,
          ]
            .filter((part) => part !== undefined && part !== "")
            .join(" ");
  return {
    provider: target.provider,
    api: target.api,
    model: target.model,
    credentialId: target.credentialId,
    ...(status === undefined ? {} : { status }),
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
    ...(transportCode === undefined ? {} : { transportCode }),
    ...(timer === undefined ? {} : { timer }),
    ...(detail.streamProblem === undefined ? {} : { streamProblem: detail.streamProblem }),
    ...(aborted ? { aborted: true } : {}),
    outputReachedCaller: facts.outputReachedCaller,
    message: redactSecrets(describe(target, summary), facts.key),
  };
}

/** A failure thrown by doStream itself: an HTTP error status, a transport error, a timer. */
function failureFromThrown(facts: AttemptFacts, error: unknown): ProviderFailure {
  if (APICallError.isInstance(error)) {
    const observed = facts.observation.status;
    const body = parseErrorBody(error.responseBody);
    const inStream = observed !== undefined && observed >= 200 && observed < 300;
    // After a 2xx, some SDKs (Anthropic) throw the error event that opened the stream: it has a
    // body. Without one, the 2xx body itself broke before its first part: a truncated stream.
    const streamProblem: StreamProblem | undefined = inStream
      ? body === undefined
        ? "truncated"
        : "error-event"
      : undefined;
    const code = transportCodeOf(error);
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return failureFrom(facts, {
      ...(inStream || error.statusCode === undefined ? {} : { status: error.statusCode }),
      ...(error.responseHeaders === undefined ? {} : { headers: error.responseHeaders }),
      ...(body === undefined ? {} : { body }),
      ...(streamProblem === undefined ? {} : { streamProblem }),
      ...(code === undefined ? {} : { transportCode: code }),
      message: streamProblem === "truncated" ? `stream broke: ${error.message}${cause}` : error.message,
    });
  }
  const code = transportCodeOf(error);
  return failureFrom(facts, {
    ...(code === undefined ? {} : { transportCode: code }),
    message: error instanceof Error ? error.message : String(error),
  });
}

function parseToolInput(input: string): { ok: true; value: unknown } | { ok: false } {
  if (input.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(input) as unknown };
  } catch {
    return { ok: false };
  }
}

function signatureOf(part: {
  providerMetadata?: Record<string, Record<string, unknown>>;
}): string | undefined {
  const metadata = part.providerMetadata;
  const value = metadata?.anthropic?.signature ?? metadata?.google?.thoughtSignature;
  return typeof value === "string" ? value : undefined;
}

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

/**
 * The facts of the attempt whose request is being sent. SDK model objects are built once per
 * (provider, model, key) and share one fetch, which finds its attempt here.
 */
const currentAttempt = new AsyncLocalStorage<AttemptFacts>();

/** The fetch every cached SDK model uses: observes the exchange for the attempt in progress. */
function attemptAwareFetch(baseFetch: FetchFunction): FetchFunction {
  return (input, init) => {
    const facts = currentAttempt.getStore();
    if (facts === undefined) return baseFetch(input, init);
    return observedFetch(baseFetch, facts.observation, () => facts.control.headersArrived())(input, init);
  };
}

async function* streamAttempt(
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
    const tools = toSdkTools(request.tools);
    let result: Awaited<ReturnType<typeof model.doStream>>;
    try {
      result = await currentAttempt.run(facts, () =>
        model.doStream({
          prompt: toSdkPrompt(endpoint, request.messages),
          ...(tools === undefined ? {} : { tools }),
          ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
          ...(request.reasoning === undefined ? {} : { reasoning: request.reasoning }),
          abortSignal: control.signal,
        }),
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
      ...(warnings.length === 0 ? {} : { warnings }),
    };
  } finally {
    control.dispose(completed);
    if (!completed) reader?.cancel().catch(() => {});
  }
}

/** Creates the ModelCaller that talks to real providers (and the simulator) over HTTP. */
export function createSdkModelCaller(options: SdkModelCallerOptions): ModelCaller {
  const endpoints = new Map(options.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const fetch = attemptAwareFetch(options.fetch ?? globalThis.fetch);
  const models = new Map<string, LanguageModelV4>();
  const modelFor = (endpoint: ProviderEndpoint, model: string, key: string): LanguageModelV4 => {
    const cacheKey = `${endpoint.id}\u0000${model}\u0000${key}`;
    let cached = models.get(cacheKey);
    if (cached === undefined) {
      cached = createLanguageModel(endpoint, model, key, fetch);
      models.set(cacheKey, cached);
    }
    return cached;
  };
  return {
    stream(target: ModelTarget, request: ModelRequest): AsyncIterable<ModelStreamEvent> {
      const endpoint = endpoints.get(target.provider);
      if (endpoint === undefined) throw new Error(`no provider named '${target.provider}' is configured`);
      const key =
        options.apiKey(target.provider, target.credentialId) ??
        (endpoint.quirks.keyless === true ? "none" : undefined);
      if (key === undefined) {
        throw new Error(
          `credential '${target.credentialId}' of provider '${target.provider}' has no API key`,
        );
      }
      return streamAttempt(modelFor(endpoint, target.model, key), endpoint, target, request, key);
    },
  };
}
