// decide() and choose() as pure functions: the action, the health events and the reason they
// carry, per failover.md §2. The engine-level tests (test/failover) cover the same rows end to end.
import { describe, expect, it } from "vitest";
import { healthKeyId } from "../health/health-key.ts";
import { applyHealthEvents, type HealthSnapshot } from "../health/health-state.ts";
import { expandCandidates, type ResolvedChain } from "./chain.ts";
import { choose, decide } from "./decide.ts";
import type { Failure, FailureReason, FailureScope } from "./failure.ts";
import { resolvePolicy } from "./policy.ts";
import type { AttemptRecord, StepState } from "./step-state.ts";

const now = Date.UTC(2026, 0, 15, 13);
const chain: ResolvedChain = {
  name: "test",
  providers: [
    { id: "openai", api: "openai-chat", credentials: [{ id: "openai:work" }, { id: "openai:personal" }] },
    { id: "deepseek", api: "openai-chat", credentials: [{ id: "deepseek:main" }] },
  ],
  candidates: [
    { provider: "openai", model: "gpt-5.5", options: { contextWindow: 200_000 } },
    { provider: "openai", model: "gpt-5.4-mini", options: { contextWindow: 400_000 } },
    { provider: "deepseek", model: "deepseek-v4-pro", options: { contextWindow: 128_000 } },
  ],
};
const targets = expandCandidates(chain);

function state(attempts: AttemptRecord[], overrides: Partial<StepState> = {}): StepState {
  return {
    targets,
    policy: resolvePolicy(),
    health: new Map(),
    owner: "turn-1",
    deadlineAt: now + 120_000,
    attempts,
    random: 0.5,
    ...overrides,
  };
}

function failure(reason: FailureReason, scope: FailureScope, extra: Partial<Failure> = {}): Failure {
  return { reason, scope, message: `${reason} for the test`, ...extra };
}

/** The decision after the first attempt (on target 0, gpt-5.5 via openai:work) failed. */
function afterFirst(failed: Failure, overrides: Partial<StepState> = {}) {
  return decide(state([{ targetIndex: 0, startedAt: now, failure: failed }], overrides), failed, now);
}

describe("decide", () => {
  it("quota_exhausted: cools the credential until the reset and rotates to the next credential", () => {
    const decision = afterFirst(failure("quota_exhausted", "credential", { resetAt: now + 3_600_000 }));
    expect(decision.action).toMatchObject({ type: "rotate-credential", targetIndex: 1, fromIndex: 0 });
    expect(decision.health).toEqual([
      expect.objectContaining({ type: "cooldown", until: now + 3_600_000, key: targets[0]?.keys[1] }),
    ]);
    expect(decision.action.why).toBe(
      "quota_exhausted on openai/gpt-5.5 via openai:work: rotating to credential openai:personal",
    );
  });

  it("quota_exhausted on the last credential: skips the provider's other candidate without a request", () => {
    const cooled = applyHealthEvents(new Map(), [
      {
        type: "cooldown",
        key: targets[0]?.keys[1] as never,
        at: now,
        reason: "quota_exhausted",
        rule: { baseMs: 1, capMs: 1 },
        until: now + 3_600_000,
      },
    ]).snapshot;
    const failed = failure("quota_exhausted", "credential");
    const decision = decide(
      state(
        [
          { targetIndex: 0, startedAt: now, failure: failed },
          { targetIndex: 1, startedAt: now, failure: failed },
        ],
        { health: cooled },
      ),
      failed,
      now,
    );
    expect(decision.action).toMatchObject({ type: "next-candidate", targetIndex: 4 });
    expect(
      decision.action.type === "next-candidate" &&
        decision.action.skipped.map((skip) => [skip.targetIndex, skip.why]),
    ).toEqual([
      [2, "cooling"],
      [3, "cooling"],
    ]);
  });

  it("rate_limit with Retry-After inside the wait budget: retry the same target after exactly that wait", () => {
    const decision = afterFirst(
      failure("rate_limit", "credential+model", { retryAfterMs: 1_000, resetAt: now + 1_000 }),
    );
    expect(decision.action).toMatchObject({
      type: "retry",
      targetIndex: 0,
      delayMs: 1_000,
      cause: "retry-after",
    });
    expect(decision.health).toEqual([
      expect.objectContaining({ type: "cooldown", key: targets[0]?.keys[3], until: now + 1_000 }),
    ]);
  });

  it("rate_limit with Retry-After past the wait budget: go elsewhere now (rotate credential)", () => {
    const decision = afterFirst(
      failure("rate_limit", "credential+model", { retryAfterMs: 60_000, resetAt: now + 60_000 }),
    );
    expect(decision.action).toMatchObject({ type: "rotate-credential", targetIndex: 1 });
  });

  it("overloaded: a jittered retry on the same target while the retry budget lasts", () => {
    const decision = afterFirst(failure("overloaded", "model"));
    expect(decision.action).toMatchObject({ type: "retry", targetIndex: 0, cause: "backoff", delayMs: 125 });
    expect(decision.health).toEqual([
      expect.objectContaining({ type: "failure-counted", key: targets[0]?.keys[2] }),
    ]);
  });

  it("timeout: no same-target retry; the next candidate, not another credential of the same model", () => {
    const decision = afterFirst(failure("timeout", "model"));
    expect(decision.action).toMatchObject({ type: "next-candidate", targetIndex: 2 });
  });

  it("network: counts against the model and the provider", () => {
    const decision = afterFirst(failure("network", "attempt"));
    expect(decision.health.map((event) => [event.type, event.key.kind])).toEqual([
      ["failure-counted", "model"],
      ["failure-counted", "provider"],
    ]);
  });

  it("context_overflow: never the same prompt to a window known too small; a larger window, or compaction", () => {
    const larger = afterFirst(failure("context_overflow", "model"));
    expect(larger.action).toMatchObject({ type: "next-candidate", targetIndex: 2 });
    expect(larger.health).toEqual([]);
    const overflow = failure("context_overflow", "model");
    const none = decide(state([{ targetIndex: 2, startedAt: now, failure: overflow }]), overflow, now);
    expect(none.action).toMatchObject({ type: "stop", cause: { kind: "context-overflow" } });
  });

  it.each([
    ["session_conflict", "runtime"],
    ["aborted", "runtime"],
    ["internal", "runtime"],
  ] as const)("%s: stops, records nothing, blames nobody", (reason, scope) => {
    const decision = afterFirst(failure(reason, scope));
    expect(decision.action).toMatchObject({ type: "stop", cause: { kind: "runtime" } });
    expect(decision.health).toEqual([]);
  });

  it.each([
    ["content_policy", "request"],
    ["invalid_request", "request"],
  ] as const)("%s: stops the chain, records nothing", (reason, scope) => {
    const decision = afterFirst(failure(reason, scope));
    expect(decision.action).toMatchObject({ type: "stop", cause: { kind: "request" } });
    expect(decision.health).toEqual([]);
  });
});

describe("choose", () => {
  function cooling(until: number): HealthSnapshot {
    let health: HealthSnapshot = new Map();
    for (const provider of ["openai", "deepseek"]) {
      health = applyHealthEvents(health, [
        {
          type: "cooldown",
          key: { kind: "provider", provider },
          at: now,
          reason: "rate_limit",
          rule: { baseMs: 1, capMs: 1 },
          until,
        },
      ]).snapshot;
    }
    return health;
  }

  it("waits for the earliest recovery when it fits the deadline", () => {
    const decision = choose(state([], { health: cooling(now + 30_000) }), now);
    expect(decision.action).toMatchObject({ type: "wait", untilMs: now + 30_000 });
  });

  it("fails at once, naming the recovery time, when the earliest recovery is past the deadline", () => {
    const decision = choose(state([], { health: cooling(now + 600_000) }), now);
    expect(decision.action).toMatchObject({
      type: "stop",
      cause: { kind: "exhausted", recoveryAt: now + 600_000 },
    });
    expect(decision.action.type === "stop" && healthKeyId(decision.action.cause.recoveryKey as never)).toBe(
      "openai/*/*",
    );
  });
});
