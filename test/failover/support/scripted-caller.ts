// A ModelCaller scripted per call: each call gets a step (answer, fail with a classified
// failure, stay silent until the first-token timer, cut after partial output...). It records
// every call (target, request, time) so tests assert which targets got requests. Failures carry
// their classification beside the raw facts; `classify` below reads it back (a stub classifier).
import { defaultScope } from "../../../src/failover/default-scope.ts";
import type { Failure, FailureReason, FailureScope } from "../../../src/failover/failure.ts";
import type {
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
  ModelTarget,
  Usage,
} from "../../../src/providers/model-stream.ts";
import type { ProviderFailure, TimerName } from "../../../src/providers/provider-failure.ts";
import type { FakeClock } from "./fake-clock.ts";

export interface FailureSpec {
  readonly reason: FailureReason;
  readonly scope?: FailureScope;
  readonly retryAfterMs?: number;
  readonly resetAt?: number;
  readonly status?: number;
  readonly timer?: TimerName;
  readonly transportCode?: string;
  /** The provider's own words (error body message). */
  readonly providerMessage?: string;
}

export type Step =
  | {
      readonly kind: "answer";
      readonly text?: string;
      readonly chunks?: readonly string[];
      readonly afterMs?: number;
    }
  | { readonly kind: "answer-with-reasoning"; readonly reasoning: string; readonly text: string }
  | {
      readonly kind: "fail";
      readonly failure: FailureSpec;
      readonly partial?: readonly string[];
      readonly afterMs?: number;
    }
  /** Says nothing until the first-token timer (from the request's timers) fires. */
  | { readonly kind: "silent" }
  /** Output, then the connection ends with no finish event (the adapter reports truncated). */
  | { readonly kind: "cut"; readonly partial: readonly string[] }
  /** Ends the stream with no terminal event at all (an adapter contract violation). */
  | { readonly kind: "unterminated"; readonly partial?: readonly string[] }
  /** Throws from the stream (a bug). */
  | { readonly kind: "throw"; readonly message: string }
  /** Never answers; ends only when the request's signal aborts. */
  | { readonly kind: "hang" };

export interface Call {
  readonly index: number;
  readonly target: ModelTarget;
  readonly request: ModelRequest;
  readonly at: number;
  /** Set when the call answered: the text it produced and its usage. */
  answer?: { text: string; usage: Usage };
  failure?: Failure;
  /** When the failure was reported (the engine decides at this time). */
  failedAt?: number;
}

/** Each reason's default scope, as the real classifier assigns it. */
export const defaultScopes = defaultScope;

const classified = new WeakMap<ProviderFailure, Failure>();

/** The stub classifier: returns the classification the scripted caller attached. */
export function classify(raw: ProviderFailure): Failure {
  const failure = classified.get(raw);
  if (failure === undefined) throw new Error("classify: not a scripted failure");
  return failure;
}

function rawFailure(
  target: ModelTarget,
  spec: FailureSpec,
  outputReachedCaller: boolean,
  extra: Partial<ProviderFailure> = {},
): ProviderFailure {
  const message = spec.providerMessage ?? `${spec.reason} (scripted)`;
  const raw: ProviderFailure = {
    provider: target.provider,
    api: target.api,
    model: target.model,
    credentialId: target.credentialId,
    outputReachedCaller,
    message,
    body: { message },
    ...(spec.status === undefined ? {} : { status: spec.status }),
    ...(spec.timer === undefined ? {} : { timer: spec.timer }),
    ...(spec.transportCode === undefined ? {} : { transportCode: spec.transportCode }),
    ...extra,
  };
  const failure: Failure = {
    reason: spec.reason,
    scope: spec.scope ?? defaultScopes[spec.reason],
    message,
    ...(spec.retryAfterMs === undefined ? {} : { retryAfterMs: spec.retryAfterMs }),
    ...(spec.resetAt === undefined ? {} : { resetAt: spec.resetAt }),
    raw,
  };
  classified.set(raw, failure);
  return raw;
}

export class ScriptedCaller implements ModelCaller {
  readonly calls: Call[] = [];
  readonly #clock: FakeClock;
  readonly #script: (call: Call) => Step;
  #usage = 0;

  constructor(clock: FakeClock, script: (call: Call) => Step) {
    this.#clock = clock;
    this.#script = script;
  }

  /** Calls that went to a provider (optionally a model). */
  callsTo(provider: string, model?: string): Call[] {
    return this.calls.filter(
      (call) => call.target.provider === provider && (model === undefined || call.target.model === model),
    );
  }

  async *stream(target: ModelTarget, request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    const call: Call = { index: this.calls.length, target, request, at: this.#clock.now() };
    this.calls.push(call);
    const step = this.#script(call);
    const signal = request.signal;
    const wait = async (ms: number): Promise<boolean> => {
      try {
        await this.#clock.sleep(ms, signal);
        return true;
      } catch {
        return false;
      }
    };
    const aborted = (): ModelStreamEvent => ({
      type: "failure",
      failure: rawFailure(target, { reason: "aborted", scope: "runtime" }, false, { aborted: true }),
    });
    switch (step.kind) {
      case "answer":
      case "answer-with-reasoning": {
        if (step.kind === "answer" && step.afterMs !== undefined && !(await wait(step.afterMs))) {
          yield aborted();
          return;
        }
        if (step.kind === "answer-with-reasoning") yield { type: "reasoning-delta", text: step.reasoning };
        const chunks =
          step.kind === "answer"
            ? (step.chunks ?? [step.text ?? `answer ${call.index} from ${target.provider}/${target.model}`])
            : [step.text];
        for (const text of chunks) yield { type: "text-delta", text };
        this.#usage += 1;
        const usage: Usage = { inputTokens: 100 + call.index, outputTokens: this.#usage };
        call.answer = { text: chunks.join(""), usage };
        yield { type: "finish", finishReason: "stop", usage };
        return;
      }
      case "fail": {
        if (step.afterMs !== undefined && !(await wait(step.afterMs))) {
          yield aborted();
          return;
        }
        for (const text of step.partial ?? []) yield { type: "text-delta", text };
        const raw = rawFailure(target, step.failure, (step.partial ?? []).length > 0);
        call.failure = classify(raw);
        call.failedAt = this.#clock.now();
        yield { type: "failure", failure: raw };
        return;
      }
      case "silent": {
        const firstTokenMs = request.timers?.firstTokenMs ?? 30_000;
        if (!(await wait(firstTokenMs))) {
          yield aborted();
          return;
        }
        const raw = rawFailure(target, { reason: "timeout", timer: "first-token" }, false);
        call.failure = classify(raw);
        call.failedAt = this.#clock.now();
        yield { type: "failure", failure: raw };
        return;
      }
      case "cut": {
        for (const text of step.partial) yield { type: "text-delta", text };
        const raw = rawFailure(target, { reason: "truncated_stream" }, true, { streamProblem: "truncated" });
        call.failure = classify(raw);
        call.failedAt = this.#clock.now();
        yield { type: "failure", failure: raw };
        return;
      }
      case "unterminated":
        for (const text of step.partial ?? []) yield { type: "text-delta", text };
        return;
      case "throw":
        throw new Error(step.message);
      case "hang":
        await wait(Number.MAX_SAFE_INTEGER / 2);
        yield aborted();
        return;
    }
  }
}
