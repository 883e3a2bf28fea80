// The facts one attempt gathers while it runs (target, observed HTTP exchange, timers, key,
// whether output reached the caller) and how they become a ProviderFailure: from a throw of
// the SDK call (HTTP error status, transport error, abort, timer) or from a problem the
// attempt found itself. Shared by the streamed and the whole-answer attempt. Decides nothing.
import { APICallError } from "@ai-sdk/provider";
import type { AttemptControl } from "./attempt-control.ts";
import { parseErrorBody } from "./error-body.ts";
import type { ModelTarget } from "./model-stream.ts";
import { type FetchObservation, transportCodeOf } from "./observed-fetch.ts";
import type { ProviderErrorBody, ProviderFailure, StreamProblem } from "./provider-failure.ts";
import { redactSecrets } from "./redact.ts";

/** Facts gathered while an attempt runs, turned into a ProviderFailure when it fails. */
export interface AttemptFacts {
  readonly target: ModelTarget;
  readonly observation: FetchObservation;
  readonly control: AttemptControl;
  readonly key: string;
  outputReachedCaller: boolean;
}

function describe(target: ModelTarget, detail: string): string {
  return `${target.provider}/${target.model}: ${detail}`;
}

export function failureFrom(
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
export function failureFromThrown(facts: AttemptFacts, error: unknown): ProviderFailure {
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
