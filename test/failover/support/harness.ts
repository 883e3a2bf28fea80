// Builds a chain, a memory health registry, a fake clock and a scripted caller, and runs turns
// through runWithFailover, collecting the trace. Shared by the engine tests.
import { seededRandom } from "../../../src/failover/backoff.ts";
import type { ModelOptions, ResolvedChain } from "../../../src/failover/chain.ts";
import { runWithFailover } from "../../../src/failover/engine.ts";
import { FailoverError } from "../../../src/failover/failover-error.ts";
import type { FailoverResult } from "../../../src/failover/failover-result.ts";
import type { FailoverPolicyInput } from "../../../src/failover/policy.ts";
import { MemoryHealthRegistry } from "../../../src/health/memory-health-registry.ts";
import type { ModelRequest } from "../../../src/providers/model-stream.ts";
import type { TraceEvent } from "../../../src/trace/trace-event.ts";
import { FakeClock } from "./fake-clock.ts";
import { type Call, classify, ScriptedCaller, type Step } from "./scripted-caller.ts";

export interface ChainSpec {
  /** `provider/model`, in order. */
  readonly candidates: readonly string[];
  /** Credential ids per provider; default one credential `<provider>:main`. */
  readonly credentials?: Readonly<Record<string, readonly string[]>>;
  /** Options per `provider/model`. */
  readonly options?: Readonly<Record<string, ModelOptions>>;
}

export function chainOf(spec: ChainSpec): ResolvedChain {
  const candidates = spec.candidates.map((reference) => {
    const slash = reference.indexOf("/");
    const options = spec.options?.[reference];
    const candidate = { provider: reference.slice(0, slash), model: reference.slice(slash + 1) };
    return options === undefined ? candidate : { ...candidate, options };
  });
  const providers = [...new Set(candidates.map((candidate) => candidate.provider))].map((id) => ({
    id,
    api: "openai-chat" as const,
    credentials: (spec.credentials?.[id] ?? [`${id}:main`]).map((credential) => ({ id: credential })),
  }));
  return { name: "test", providers, candidates };
}

export interface TurnOutcome {
  readonly result?: FailoverResult;
  readonly error?: FailoverError;
  readonly events: readonly TraceEvent[];
  readonly calls: readonly Call[];
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface TurnOptions {
  readonly policy?: FailoverPolicyInput;
  readonly signal?: AbortSignal;
  readonly request?: ModelRequest;
  /** Aborts the turn this long after it starts (on the fake clock). */
  readonly abortAfterMs?: number;
}

export class Harness {
  readonly clock: FakeClock;
  readonly health = new MemoryHealthRegistry();
  readonly caller: ScriptedCaller;
  readonly chain: ResolvedChain;
  readonly policy: FailoverPolicyInput;
  readonly #random: () => number;

  constructor(
    chain: ResolvedChain,
    script: (call: Call) => Step,
    policy: FailoverPolicyInput = {},
    seed = 1,
  ) {
    this.clock = new FakeClock();
    this.caller = new ScriptedCaller(this.clock, script);
    this.chain = chain;
    this.policy = policy;
    this.#random = seededRandom(seed);
  }

  async turn(options: TurnOptions = {}): Promise<TurnOutcome> {
    const events: TraceEvent[] = [];
    // A request of its own, so concurrent turns can tell their calls apart.
    const request = options.request ?? { messages: [{ role: "user" as const, content: "Say hello." }] };
    const mine = request.messages[0];
    const startedAt = this.clock.now();
    const done = new AbortController();
    let signal = options.signal;
    if (options.abortAfterMs !== undefined) {
      const controller = new AbortController();
      this.clock.sleep(options.abortAfterMs, done.signal).then(
        () => controller.abort(new Error("user pressed ctrl-c")),
        () => {},
      );
      signal = controller.signal;
    }
    let result: FailoverResult | undefined;
    let error: FailoverError | undefined;
    try {
      result = await runWithFailover({
        chain: this.chain,
        policy: { ...this.policy, ...options.policy },
        health: this.health,
        caller: this.caller,
        classify,
        request,
        clock: this.clock,
        random: this.#random,
        onEvent: (event) => events.push(event),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (thrown) {
      if (!FailoverError.isInstance(thrown)) throw thrown;
      error = thrown;
    } finally {
      done.abort();
    }
    const calls = this.caller.calls.filter((call) => call.request.messages[0] === mine);
    const outcome = { events, calls, startedAt, endedAt: this.clock.now() };
    return result === undefined ? { ...outcome, error: error as FailoverError } : { ...outcome, result };
  }
}

/** What a caller that applies `attempt-discarded` ends up showing. */
export function visibleText(events: readonly TraceEvent[]): string {
  let text = "";
  for (const event of events) {
    if (event.type === "text-delta") text += event.text;
    if (event.type === "attempt-discarded") text = "";
  }
  return text;
}

export function ofType<T extends TraceEvent["type"]>(
  events: readonly TraceEvent[],
  type: T,
): Extract<TraceEvent, { type: T }>[] {
  return events.filter((event): event is Extract<TraceEvent, { type: T }> => event.type === type);
}

/** `provider/model@credential` for each call, for compact assertions. */
export function route(calls: readonly Call[]): string[] {
  return calls.map((call) => `${call.target.provider}/${call.target.model}@${call.target.credentialId}`);
}
