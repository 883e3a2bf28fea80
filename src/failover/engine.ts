// The failover engine: the only loop. It expands the chain, asks choose()/decide() what to do,
// executes the action (send, retry after a wait, rotate credential, next candidate, wait for
// the earliest recovery, stop) inside one step deadline, records health, claims half-open
// probes, and traces every step (step-log.ts). It classifies nothing (`classify` is a
// parameter) and decides nothing itself; it owns the I/O: the stream, the clock, the registry.
import { randomUUID } from "node:crypto";
import { blockerOf, halfOpenKeys } from "../health/availability.ts";
import { type HealthKey, healthKeyId } from "../health/health-key.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import {
  applyHealthEvents,
  type HealthChange,
  type HealthEvent,
  type HealthSnapshot,
} from "../health/health-state.ts";
import type { ModelCaller, ModelRequest } from "../providers/model-stream.ts";
import type { ProviderFailure } from "../providers/provider-failure.ts";
import type { TraceEvent } from "../trace/trace-event.ts";
import type { Action, Decision, StopCause } from "./action.ts";
import { failureOfOutcome, runAttempt } from "./attempt.ts";
import { type ExpandedTarget, expandCandidates, type ResolvedChain } from "./chain.ts";
import { type Clock, systemClock } from "./clock.ts";
import { choose, decide } from "./decide.ts";
import type { FailoverError } from "./failover-error.ts";
import type { FailoverResult } from "./failover-result.ts";
import type { Failure } from "./failure.ts";
import { type FailoverPolicy, type FailoverPolicyInput, resolvePolicy } from "./policy.ts";
import { type AttemptBase, StepLog } from "./step-log.ts";
import type { AttemptRecord, StepState } from "./step-state.ts";
import { toTraceKey } from "./trace-key.ts";

export interface RunWithFailoverOptions {
  readonly chain: ResolvedChain;
  /** Defaults from policy.ts for anything not given. */
  readonly policy?: FailoverPolicyInput;
  readonly health: HealthRegistry;
  readonly caller: ModelCaller;
  /** Raw facts to reason + scope (src/failover/classify.ts). */
  readonly classify: (failure: ProviderFailure, now: number) => Failure;
  /** The step to run. Per-candidate timers override `request.timers`; a candidate's reasoning effort applies when the request sets none. */
  readonly request: ModelRequest;
  readonly clock?: Clock;
  /** Uniform in [0, 1); for jitter. */
  readonly random?: () => number;
  /** Cancels the step (defaults to `request.signal`). */
  readonly signal?: AbortSignal;
  /**
   * Every trace event, content included, in order. A throw ends the step: during an attempt it
   * is reported as an internal (runtime) failure; elsewhere the returned promise rejects with it.
   */
  readonly onEvent?: (event: TraceEvent) => void;
  /** Names the step as a probe-lease owner; random by default. */
  readonly turnId?: string;
}

const abortedFailure: Failure = { reason: "aborted", scope: "runtime", message: "aborted by the caller" };

class Step {
  readonly #options: RunWithFailoverOptions;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #signal: AbortSignal;
  readonly #policy: FailoverPolicy;
  readonly #targets: readonly ExpandedTarget[];
  readonly #keys: readonly HealthKey[];
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #owner: string;
  readonly #deadlineAt: number;
  readonly #log: StepLog;
  readonly #attempts: AttemptRecord[] = [];
  readonly #unavailable: number[] = [];
  readonly #writes: Promise<void>[] = [];
  #snapshot: HealthSnapshot = new Map();

  constructor(
    options: RunWithFailoverOptions,
    callerSignal: AbortSignal | undefined,
    signal: AbortSignal,
    startedAt: number,
  ) {
    this.#options = options;
    this.#callerSignal = callerSignal;
    this.#signal = signal;
    this.#policy = resolvePolicy(options.policy);
    this.#targets = expandCandidates(options.chain);
    this.#keys = this.#targets.flatMap((target) => target.keys);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#owner = options.turnId ?? randomUUID();
    this.#deadlineAt = startedAt + this.#policy.deadlineMs;
    this.#log = new StepLog((event) => options.onEvent?.(event), this.#targets, this.#policy, startedAt);
  }

  get deadlineAt(): number {
    return this.#deadlineAt;
  }

  #now(): number {
    return this.#clock.now();
  }

  #state(): StepState {
    const state: StepState = {
      targets: this.#targets,
      policy: this.#policy,
      health: this.#snapshot,
      owner: this.#owner,
      deadlineAt: this.#deadlineAt,
      attempts: this.#attempts,
      random: this.#random(),
      unavailable: this.#unavailable,
    };
    const shown = this.#log.shown;
    return shown === undefined ? state : { ...state, partial: shown };
  }

  async #refresh(): Promise<void> {
    this.#snapshot = await this.#options.health.read(this.#keys);
  }

  /**
   * Records health events without waiting for durability; `settle()` waits at the end of the
   * step. A breaker opening this step traced (`announced`) that the shared state does not hold
   * once the write lands (another process's success reached it first) is traced as closed again.
   */
  #record(events: readonly HealthEvent[], announced: readonly HealthChange[] = []): void {
    if (events.length === 0) return;
    const write = this.#options.health.record(events).then(
      (shared) => {
        for (const change of announced) {
          if (change.type !== "breaker-opened") continue;
          if (shared.get(healthKeyId(change.key))?.breaker !== "open")
            this.#log.superseded(change.key, this.#now());
        }
      },
      (error: unknown) => {
        this.#options.onEvent?.({
          type: "health-write-failed",
          at: this.#now(),
          message: (error as Error).message,
        });
      },
    );
    this.#writes.push(write);
  }

  #releases(keys: readonly HealthKey[], at: number): HealthEvent[] {
    return keys.map((key) => ({ type: "probe-released", key, at, owner: this.#owner }));
  }

  async settle(): Promise<void> {
    await Promise.all(this.#writes);
  }

  /** Sleeps on the step's signal; false when the caller aborted or the deadline fired. */
  async #sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return !this.#signal.aborted;
    try {
      await this.#clock.sleep(ms, this.#signal);
      return true;
    } catch {
      return false;
    }
  }

  #interruption(): StopCause {
    return this.#callerSignal?.aborted === true
      ? { kind: "runtime", failure: abortedFailure }
      : { kind: "deadline" };
  }

  async #fail(cause: StopCause): Promise<FailoverError> {
    const error = this.#log.error(cause, this.#now());
    await this.settle();
    return error;
  }

  /** Claims the half-open probes a request to `target` needs; undefined (nothing held) when another step has one. */
  async #claimProbes(target: ExpandedTarget): Promise<readonly HealthKey[] | undefined> {
    const now = this.#now();
    const claimed: HealthKey[] = [];
    for (const key of halfOpenKeys(this.#snapshot, target.keys, now, this.#owner)) {
      if (
        !(await this.#options.health.claimProbe(key, this.#owner, now, this.#policy.breaker.probeLeaseMs))
      ) {
        this.#record(this.#releases(claimed, now));
        return undefined;
      }
      claimed.push(key);
      this.#log.halfOpen(key, target, now);
    }
    return claimed;
  }

  #note(decision: Decision): void {
    const at = this.#now();
    this.#log.changes(decision.changes, at);
    this.#options.onEvent?.({
      type: "decision-made",
      at,
      action: decision.action.type,
      why: decision.action.why,
    });
    if (decision.action.type !== "retry") this.#log.skipped(decision.action.skipped, at);
  }

  /** Runs waits and delays an action asks for; returns false when the action must be re-chosen. */
  async #prepare(
    action: Exclude<Action, { type: "stop" | "wait" }>,
    target: ExpandedTarget,
  ): Promise<boolean> {
    if (action.continuation === "discard") this.#log.discardShown(this.#now());
    if (action.type === "rotate-credential") {
      const from = (this.#targets[action.fromIndex] as ExpandedTarget).target;
      const { provider, model, credentialId } = target.target;
      const reason = this.#attempts.at(-1)?.failure?.reason ?? "rate_limit";
      const at = this.#now();
      this.#options.onEvent?.({
        type: "credential-rotated",
        at,
        provider,
        model,
        from: from.credentialId,
        to: credentialId,
        reason,
      });
    }
    if (action.type !== "retry" || action.delayMs <= 0) return true;
    const at = this.#now();
    const until = at + action.delayMs;
    this.#options.onEvent?.({
      type: "wait-started",
      at,
      cause: action.cause,
      until,
      ms: action.delayMs,
      target: target.target,
    });
    if (!(await this.#sleep(action.delayMs))) throw await this.#fail(this.#interruption());
    // Another step or process may have cooled the target meanwhile.
    await this.#refresh();
    return blockerOf(this.#snapshot, target.keys, this.#now(), this.#owner) === undefined;
  }

  async run(): Promise<FailoverResult> {
    await this.#refresh();
    let decision = choose(this.#state(), this.#now());
    for (;;) {
      if (this.#signal.aborted) throw await this.#fail(this.#interruption());
      this.#note(decision);
      const action = decision.action;
      if (action.type === "stop") throw await this.#fail(action.cause);
      if (action.type === "wait") {
        const at = this.#now();
        this.#options.onEvent?.({
          type: "wait-started",
          at,
          cause: "recovery",
          until: action.untilMs,
          ms: action.untilMs - at,
          ...(action.key === undefined ? {} : { key: toTraceKey(action.key) }),
          ...(action.reason === undefined ? {} : { reason: action.reason }),
        });
        if (!(await this.#sleep(action.untilMs - at))) throw await this.#fail(this.#interruption());
        await this.#refresh();
        decision = choose(this.#state(), this.#now());
        continue;
      }
      const target = this.#targets[action.targetIndex] as ExpandedTarget;
      if (!(await this.#prepare(action, target))) {
        decision = choose(this.#state(), this.#now());
        continue;
      }
      const probes = await this.#claimProbes(target);
      if (probes === undefined) {
        // Another step holds the probe. The fresh snapshot shows its lease (and choose() reports
        // the skip); if it somehow does not, rule the target out for this step.
        await this.#refresh();
        if (blockerOf(this.#snapshot, target.keys, this.#now(), this.#owner) === undefined) {
          this.#unavailable.push(target.index);
        }
        decision = choose(this.#state(), this.#now());
        continue;
      }
      const answer = await this.#send(target, action.continuation === "prefill", probes);
      if (answer !== undefined) return answer;
      const failure = this.#attempts.at(-1)?.failure;
      if (failure === undefined) throw await this.#fail(this.#interruption());
      await this.#refresh();
      const now = this.#now();
      decision = decide(this.#state(), failure, now);
      this.#record([...decision.health, ...this.#releases(probes, now)], decision.changes);
    }
  }

  /** Sends one attempt. Returns the result on an answer; else logs the failure (or interruption). */
  async #send(
    target: ExpandedTarget,
    prefill: boolean,
    probes: readonly HealthKey[],
  ): Promise<FailoverResult | undefined> {
    const { request } = this.#options;
    const prefix = prefill ? (this.#log.shown?.text ?? "") : "";
    const messages =
      prefix === ""
        ? request.messages
        : [
            ...request.messages,
            { role: "assistant" as const, content: [{ type: "text" as const, text: prefix }] },
          ];
    const startedAt = this.#now();
    const attempt = this.#attempts.length + 1;
    const continuation = prefix === "" ? ("none" as const) : ("prefill" as const);
    const probe = probes.length > 0;
    this.#attempts.push({ targetIndex: target.index, startedAt });
    this.#options.onEvent?.({
      type: "attempt-started",
      at: startedAt,
      attempt,
      target: target.target,
      continuation,
      probe,
    });
    const outcome = await runAttempt({
      caller: this.#options.caller,
      target,
      request: {
        ...request,
        messages,
        timers: { ...request.timers, ...target.options.timers },
        ...(request.reasoning === undefined && target.options.reasoning !== undefined
          ? { reasoning: target.options.reasoning }
          : {}),
        signal: this.#signal,
      },
      attempt,
      commitMode: this.#policy.commitMode,
      signal: this.#signal,
      emit: (event) => this.#options.onEvent?.(event),
      now: () => this.#now(),
    });
    const now = this.#now();
    const base: AttemptBase = {
      attempt,
      target: target.target,
      startedAt,
      ms: now - startedAt,
      outputReachedCaller: outcome.output.forwarded,
      continuation,
      probe,
    };
    if (outcome.kind === "finished") {
      const events: HealthEvent[] = target.keys.map((key) => ({ type: "success", key, at: now }));
      events.push(...this.#releases(probes, now));
      this.#log.changes(applyHealthEvents(this.#snapshot, events).changes, now);
      this.#record(events);
      const result = this.#log.answered(base, outcome, target, prefix, now);
      await this.settle();
      return result;
    }
    if (outcome.kind === "interrupted" || this.#signal.aborted) {
      const cause = this.#interruption();
      this.#log.interrupted(base, outcome, target, cause.failure);
      this.#record(this.#releases(probes, now));
      return undefined;
    }
    const failure = failureOfOutcome(outcome, this.#options.classify, now);
    this.#attempts[this.#attempts.length - 1] = { targetIndex: target.index, startedAt, failure };
    this.#log.failed(base, outcome, target, failure);
    return undefined;
  }
}

/**
 * Runs one model step across the chain with failover. Resolves with the answer and who gave it;
 * rejects with a FailoverError whose first message line names the primary cause and its scope.
 *
 * @example
 * const result = await runWithFailover({ chain, health: new MemoryHealthRegistry(), caller, classify, request });
 * console.log(result.served.model, result.text);
 */
/** Why a finished step cancels its deadline timer: one shared reason, nothing built per step. */
const stepEnded = new Error("the step ended before its deadline");

export async function runWithFailover(options: RunWithFailoverOptions): Promise<FailoverResult> {
  const clock = options.clock ?? systemClock;
  const deadline = new AbortController();
  const ended = new AbortController();
  const callerSignal = options.signal ?? options.request.signal;
  const signal =
    callerSignal === undefined ? deadline.signal : AbortSignal.any([callerSignal, deadline.signal]);
  const startedAt = clock.now();
  const step = new Step(options, callerSignal, signal, startedAt);
  clock.sleep(Math.max(0, step.deadlineAt - startedAt), ended.signal).then(
    () => deadline.abort(new Error("step deadline reached")),
    () => {},
  );
  try {
    return await step.run();
  } finally {
    ended.abort(stepEnded);
  }
}
