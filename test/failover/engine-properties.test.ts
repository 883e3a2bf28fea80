// Property tests of the engine: random chains, policies and sequences of failures and successes
// over several turns on a fake clock, against a scripted caller. Seeded; fast-check prints the
// seed and path of a failing case (rerun with BATON_FC_SEED=<seed>).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FailureReason } from "../../src/failover/failure.ts";
import { failureReasons } from "../../src/failover/failure.ts";
import { type FailoverPolicy, type FailoverPolicyInput, resolvePolicy } from "../../src/failover/policy.ts";
import type { HealthSnapshot } from "../../src/health/health-state.ts";
import { chainOf, Harness, type TurnOutcome, visibleText } from "./support/harness.ts";
import type { Call, Step } from "./support/scripted-caller.ts";

const seed = Number(process.env.BATON_FC_SEED ?? 20_261_121);
const numRuns = Number(process.env.BATON_FC_RUNS ?? 250);
const hour = 3_600_000;

type StepSpec =
  | { kind: "answer"; chunks: string[]; afterMs: number }
  | {
      kind: "fail";
      reason: FailureReason;
      hint: { retryAfterMs: number } | { resetInMs: number } | null;
      partial: string[];
      afterMs: number;
    }
  | { kind: "silent" }
  | { kind: "cut"; partial: string[] }
  | { kind: "unterminated" }
  | { kind: "hang" };

interface TurnSpec {
  gapMs: number;
  steps: StepSpec[];
  abortAfterMs: number | null;
}

interface World {
  credentials: number[];
  candidates: {
    provider: number;
    acceptsPrefill: boolean;
    contextWindow: number | null;
    firstTokenMs: number;
  }[];
  policy: FailoverPolicyInput;
  turns: TurnSpec[];
}

const text = fc.string({ minLength: 1, maxLength: 4 });
const hint = fc.oneof(
  fc.constant(null),
  fc.record({ retryAfterMs: fc.integer({ min: 0, max: 20_000 }) }),
  fc.record({ resetInMs: fc.integer({ min: 0, max: 2 * hour }) }),
);
const step: fc.Arbitrary<StepSpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("answer" as const),
      chunks: fc.array(text, { minLength: 1, maxLength: 3 }),
      afterMs: fc.integer({ min: 0, max: 5_000 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("fail" as const),
      reason: fc.constantFrom(...failureReasons),
      hint,
      partial: fc.array(text, { maxLength: 2 }),
      afterMs: fc.integer({ min: 0, max: 3_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("silent" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cut" as const),
      partial: fc.array(text, { minLength: 1, maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unterminated" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("hang" as const) }) },
);

const world: fc.Arbitrary<World> = fc.record({
  credentials: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 3 }),
  candidates: fc.array(
    fc.record({
      provider: fc.nat(2),
      acceptsPrefill: fc.boolean(),
      contextWindow: fc.constantFrom(null, 8_000, 32_000, 128_000),
      firstTokenMs: fc.integer({ min: 1_000, max: 30_000 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  policy: fc.record({
    commitMode: fc.constantFrom("forward" as const, "hold" as const),
    canRetract: fc.boolean(),
    maxAttempts: fc.integer({ min: 1, max: 8 }),
    maxRetriesPerTarget: fc.integer({ min: 0, max: 2 }),
    deadlineMs: fc.integer({ min: 5_000, max: 120_000 }),
    waitBudgetMs: fc.integer({ min: 0, max: 10_000 }),
  }),
  turns: fc.array(
    fc.record({
      gapMs: fc.integer({ min: 0, max: 10 * 60_000 }),
      steps: fc.array(step, { maxLength: 8 }),
      abortAfterMs: fc.option(fc.integer({ min: 0, max: 60_000 }), { freq: 8 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

function toStep(spec: StepSpec, call: Call): Step {
  if (spec.kind !== "fail")
    return spec.kind === "answer" ? { kind: "answer", chunks: spec.chunks, afterMs: spec.afterMs } : spec;
  const failure =
    spec.hint === null
      ? { reason: spec.reason }
      : "retryAfterMs" in spec.hint
        ? { reason: spec.reason, retryAfterMs: spec.hint.retryAfterMs }
        : { reason: spec.reason, resetAt: call.at + spec.afterMs + spec.hint.resetInMs };
  return { kind: "fail", failure, partial: spec.partial, afterMs: spec.afterMs };
}

/** Health as far as availability goes (probe leases and timestamps aside). */
function availabilityOf(snapshot: HealthSnapshot): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [id, entry] of snapshot) {
    const { until, strikes, failures, breaker, reason } = entry;
    if (until === 0 && strikes === 0 && failures === 0 && breaker === "closed") continue;
    view[id] = { until, strikes, failures, breaker, reason };
  }
  return view;
}

const credentialCooling = new Set<FailureReason>(["quota_exhausted", "billing", "auth"]);
const runtimeReasons = new Set<FailureReason>(["session_conflict", "aborted", "internal"]);
const requestReasons = new Set<FailureReason>(["content_policy", "invalid_request"]);
const noSameTargetRetry = new Set<FailureReason>([
  "quota_exhausted",
  "billing",
  "auth",
  "permission",
  "timeout",
  "model_not_found",
]);

/** Lower bound of the cooldown a credential-scoped failure must cause. */
function cooldownFloor(call: Call, policy: FailoverPolicy): number | undefined {
  const failure = call.failure;
  if (failure === undefined || call.failedAt === undefined || !credentialCooling.has(failure.reason))
    return undefined;
  if (failure.resetAt !== undefined) return failure.resetAt;
  if (failure.retryAfterMs !== undefined) return call.failedAt + failure.retryAfterMs;
  return call.failedAt + policy.cooldowns[failure.reason as "quota_exhausted"].baseMs;
}

async function play(spec: World): Promise<void> {
  const providers = spec.credentials.map((_, index) => `p${index}`);
  const credentials: Record<string, string[]> = {};
  spec.credentials.forEach((count, index) => {
    credentials[`p${index}`] = Array.from({ length: count }, (_, credential) => `p${index}:c${credential}`);
  });
  const references = spec.candidates.map(
    (candidate, index) => `${providers[candidate.provider % providers.length]}/m${index}`,
  );
  const options: Record<
    string,
    { acceptsPrefill: boolean; contextWindow?: number; timers: { firstTokenMs: number } }
  > = {};
  spec.candidates.forEach((candidate, index) => {
    const base = {
      acceptsPrefill: candidate.acceptsPrefill,
      timers: { firstTokenMs: candidate.firstTokenMs },
    };
    options[references[index] as string] =
      candidate.contextWindow === null ? base : { ...base, contextWindow: candidate.contextWindow };
  });
  const policy = resolvePolicy(spec.policy);
  let turnIndex = 0;
  let stepIndex = 0;
  const healthAtCall = new Map<Call, HealthSnapshot>();
  const harness: Harness = new Harness(
    chainOf({ candidates: references, credentials, options }),
    (call) => {
      healthAtCall.set(call, harness.health.current());
      const next = spec.turns[turnIndex]?.steps[stepIndex];
      stepIndex += 1;
      return next === undefined ? { kind: "answer" } : toStep(next, call);
    },
    spec.policy,
  );

  /** Per credential (`provider/credential`): no request before this time. */
  const coolUntil = new Map<string, number>();
  for (const turnSpec of spec.turns) {
    harness.clock.advance(turnSpec.gapMs);
    stepIndex = 0;
    const turn: TurnOutcome = await harness.turn(
      turnSpec.abortAfterMs === null ? {} : { abortAfterMs: turnSpec.abortAfterMs },
    );
    turnIndex += 1;
    checkTurn(turn, policy, harness, healthAtCall, coolUntil, credentials);
  }
}

function checkTurn(
  turn: TurnOutcome,
  policy: FailoverPolicy,
  harness: Harness,
  healthAtCall: ReadonlyMap<Call, HealthSnapshot>,
  coolUntil: Map<string, number>,
  credentials: Record<string, string[]>,
): void {
  const deadline = turn.startedAt + policy.deadlineMs;
  // Budget and deadline.
  expect(turn.calls.length).toBeLessThanOrEqual(policy.maxAttempts);
  expect(turn.endedAt).toBeLessThanOrEqual(deadline);
  for (const call of turn.calls) {
    expect(call.at).toBeLessThan(deadline);
    // After quota/billing/auth on a credential, nothing uses it until its cooldown ends...
    const credential = `${call.target.provider}/${call.target.credentialId}`;
    expect(call.at).toBeGreaterThanOrEqual(coolUntil.get(credential) ?? 0);
    // ...and when every credential of a provider is cooling, nothing goes to that provider.
    const all = (credentials[call.target.provider] ?? []).every(
      (id) => (coolUntil.get(`${call.target.provider}/${id}`) ?? 0) > call.at,
    );
    expect(all).toBe(false);
    const floor = cooldownFloor(call, policy);
    if (floor !== undefined) coolUntil.set(credential, Math.max(coolUntil.get(credential) ?? 0, floor));
  }
  // Reasons that forbid a same-target retry: no later call of the turn goes to that target.
  turn.calls.forEach((call, index) => {
    if (call.failure === undefined || !noSameTargetRetry.has(call.failure.reason)) return;
    const same = (later: Call): boolean =>
      later.target.provider === call.target.provider &&
      later.target.model === call.target.model &&
      later.target.credentialId === call.target.credentialId;
    const again = turn.calls.slice(index + 1).filter(same);
    expect(again).toEqual([]);
  });
  const last = turn.calls.at(-1);
  // Runtime- and request-scoped failures end the chain: nothing after them.
  turn.calls.slice(0, -1).forEach((call) => {
    expect(runtimeReasons.has(call.failure?.reason as FailureReason)).toBe(false);
    expect(requestReasons.has(call.failure?.reason as FailureReason)).toBe(false);
  });
  if (last?.failure !== undefined && runtimeReasons.has(last.failure.reason)) {
    expect(turn.error?.kind).toBe("runtime");
    expect(turn.error?.summary).toMatch(/\(runtime\)/);
    // A runtime failure never changes health.
    expect(availabilityOf(harness.health.current())).toEqual(
      availabilityOf(healthAtCall.get(last) as HealthSnapshot),
    );
  }
  if (last?.failure !== undefined && requestReasons.has(last.failure.reason))
    expect(turn.error?.kind).toBe("request");
  const lastReport = (turn.result ?? turn.error)?.attempts.at(-1);
  if (last !== undefined && lastReport?.outcome === "interrupted") {
    // Interrupted by the caller's abort or the deadline: nothing recorded against the target either.
    expect(turn.error).toBeDefined();
    expect(["runtime", "deadline"]).toContain(turn.error?.kind);
    expect(availabilityOf(harness.health.current())).toEqual(
      availabilityOf(healthAtCall.get(last) as HealthSnapshot),
    );
  }
  // Waits happen only when they end before the deadline (else the turn fails at once).
  for (const wait of turn.events) if (wait.type === "wait-started") expect(wait.until).toBeLessThan(deadline);
  expect(turn.error?.message ?? "").not.toMatch(/all models failed/i);
  const outcomes = turn.events.filter(
    (event) => event.type === "step-answered" || event.type === "step-failed",
  );
  expect(outcomes).toHaveLength(1);
  if (turn.result === undefined) return;
  // The reported model is the one that produced the answer, with that answer's usage.
  expect(last?.answer).toBeDefined();
  expect(turn.result.served).toEqual(last?.target);
  expect(turn.result.usage).toEqual(last?.answer?.usage);
  const trailing = last?.request.messages.at(-1);
  const prefix =
    trailing?.role === "assistant" && trailing.content[0]?.type === "text" ? trailing.content[0].text : "";
  expect(turn.result.text).toBe(prefix + (last?.answer?.text ?? ""));
  expect(turn.calls.slice(0, -1).every((call) => call.answer === undefined)).toBe(true);
  // Output that reached the caller and then failed is never part of the answer, unless continued.
  expect(visibleText(turn.events)).toBe(turn.result.text);
}

describe("engine properties (seeded)", () => {
  it(`hold over random failure sequences (seed ${seed}, ${numRuns} runs)`, async () => {
    await fc.assert(fc.asyncProperty(world, play), { seed, numRuns });
  });
});
