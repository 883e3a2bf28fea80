// failover.md §2 row by row, at the engine level: for each reason, which targets get requests,
// who answers (or what the error says), and what health remembers. Chain: a/m1 through two
// credentials, then a/m2, then b/m3.
import { describe, expect, it } from "vitest";
import type { FailoverPolicyInput } from "../../src/failover/policy.ts";
import { chainOf, Harness, ofType, route } from "./support/harness.ts";
import type { Call, FailureSpec, Step } from "./support/scripted-caller.ts";

const chain = chainOf({
  candidates: ["a/m1", "a/m2", "b/m3"],
  credentials: { a: ["a:1", "a:2"], b: ["b:1"] },
});

const fail = (failure: FailureSpec): Step => ({ kind: "fail", failure });
const firstCallOnly =
  (step: Step) =>
  (call: Call): Step =>
    call.index === 0 ? step : { kind: "answer" };
const whenModel =
  (model: string, step: Step) =>
  (call: Call): Step =>
    call.target.model === model ? step : { kind: "answer" };

interface Row {
  readonly name: string;
  readonly script: (call: Call) => Step;
  readonly policy?: FailoverPolicyInput;
  readonly route: readonly string[];
  /** The model that answers, or the error's first line. */
  readonly served?: string;
  readonly error?: RegExp;
}

const rows: readonly Row[] = [
  {
    name: "rate_limit without a hint: rotate credential",
    script: firstCallOnly(fail({ reason: "rate_limit", status: 429 })),
    route: ["a/m1@a:1", "a/m1@a:2"],
    served: "a/m1@a:2",
  },
  {
    name: "rate_limit with Retry-After inside the wait budget: wait, same target",
    script: firstCallOnly(fail({ reason: "rate_limit", status: 429, retryAfterMs: 2_000 })),
    route: ["a/m1@a:1", "a/m1@a:1"],
    served: "a/m1@a:1",
  },
  {
    name: "rate_limit with Retry-After beyond the wait budget: go elsewhere now",
    script: firstCallOnly(fail({ reason: "rate_limit", status: 429, retryAfterMs: 60_000 })),
    route: ["a/m1@a:1", "a/m1@a:2"],
    served: "a/m1@a:2",
  },
  {
    name: "quota_exhausted: no same-credential retry, rotate",
    script: firstCallOnly(fail({ reason: "quota_exhausted", status: 429 })),
    route: ["a/m1@a:1", "a/m1@a:2"],
    served: "a/m1@a:2",
  },
  {
    name: "billing on every credential of a: skip a's other candidate without a request",
    script: (call) =>
      call.target.provider === "a" ? fail({ reason: "billing", status: 402 }) : { kind: "answer" },
    route: ["a/m1@a:1", "a/m1@a:2", "b/m3@b:1"],
    served: "b/m3@b:1",
  },
  {
    name: "auth: rotate",
    script: firstCallOnly(fail({ reason: "auth", status: 401 })),
    route: ["a/m1@a:1", "a/m1@a:2"],
    served: "a/m1@a:2",
  },
  {
    name: "permission: next credential for this model, else next candidate",
    script: whenModel("m1", fail({ reason: "permission", status: 403 })),
    route: ["a/m1@a:1", "a/m1@a:2", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "overloaded: bounded jittered retries, then the next candidate (not another credential)",
    script: whenModel("m1", fail({ reason: "overloaded", status: 529 })),
    route: ["a/m1@a:1", "a/m1@a:1", "a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "server_error: bounded jittered retries, then the next candidate",
    script: whenModel("m1", fail({ reason: "server_error", status: 500 })),
    route: ["a/m1@a:1", "a/m1@a:1", "a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "network: one fast retry, then the next candidate; repeated: the provider breaker opens",
    script: (call) =>
      call.target.provider === "a"
        ? fail({ reason: "network", transportCode: "ECONNREFUSED" })
        : { kind: "answer" },
    route: ["a/m1@a:1", "a/m1@a:1", "a/m2@a:1", "b/m3@b:1"],
    served: "b/m3@b:1",
  },
  {
    name: "timeout: a silent target stays silent, no same-target retry",
    script: whenModel("m1", { kind: "silent" }),
    route: ["a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "truncated_stream: never a success; one retry, then the next candidate",
    script: whenModel("m1", { kind: "cut", partial: ["half"] }),
    route: ["a/m1@a:1", "a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "malformed_response: as truncated_stream",
    script: whenModel("m1", fail({ reason: "malformed_response" })),
    route: ["a/m1@a:1", "a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "model_not_found: next candidate",
    script: whenModel("m1", fail({ reason: "model_not_found", status: 404 })),
    route: ["a/m1@a:1", "a/m2@a:1"],
    served: "a/m2@a:1",
  },
  {
    name: "content_policy: stop, one request",
    script: () => fail({ reason: "content_policy", providerMessage: "flagged as unsafe" }),
    route: ["a/m1@a:1"],
    error: /^content policy rejection by a\/m1 \(request\): flagged as unsafe$/,
  },
  {
    name: "invalid_request: stop with the provider's message",
    script: () =>
      fail({
        reason: "invalid_request",
        status: 400,
        providerMessage: "messages[1].content: unknown part type",
      }),
    route: ["a/m1@a:1"],
    error: /^invalid request rejected by a\/m1 \(request\): messages\[1\]\.content: unknown part type$/,
  },
  {
    name: "invalid_request with the opt-in: one more candidate, once",
    script: () => fail({ reason: "invalid_request", status: 400 }),
    policy: { allowFallbackOnInvalidRequest: true },
    route: ["a/m1@a:1", "a/m2@a:1"],
    error: /^invalid request rejected by a\/m2 \(request\)/,
  },
  {
    name: "session_conflict: runtime, stops at once",
    script: () =>
      fail({
        reason: "session_conflict",
        providerMessage: "transcript changed while the prompt lock was released",
      }),
    route: ["a/m1@a:1"],
    error: /^session conflict \(runtime\): transcript changed while the prompt lock was released$/,
  },
  {
    name: "internal: a bug stops at once, with its message",
    script: () => ({ kind: "throw", message: "tool registry exploded" }),
    route: ["a/m1@a:1"],
    error: /^internal error \(runtime\): tool registry exploded/,
  },
];

describe("failover.md §2, row by row", () => {
  for (const row of rows) {
    it(row.name, async () => {
      const harness = new Harness(chain, row.script, row.policy);
      const turn = await harness.turn();
      expect(route(turn.calls)).toEqual(row.route);
      if (row.served !== undefined) {
        const served = turn.result?.served;
        expect(served && `${served.provider}/${served.model}@${served.credentialId}`).toBe(row.served);
      }
      if (row.error !== undefined) expect(turn.error?.summary).toMatch(row.error);
      expect(turn.error?.message ?? "").not.toMatch(/all models failed/i);
    });
  }

  it("context_overflow: never resends the prompt to a window known too small; next larger window", async () => {
    const windows = chainOf({
      candidates: ["a/m1", "a/m2", "b/m3"],
      options: {
        "a/m1": { contextWindow: 8_000 },
        "a/m2": { contextWindow: 8_000 },
        "b/m3": { contextWindow: 128_000 },
      },
    });
    const harness = new Harness(windows, whenModel("m1", fail({ reason: "context_overflow", status: 400 })));
    const turn = await harness.turn();
    expect(route(turn.calls)).toEqual(["a/m1@a:main", "b/m3@b:main"]);
    expect(ofType(turn.events, "candidate-skipped")).toEqual([
      expect.objectContaining({ why: "context-window" }),
    ]);
  });

  it("context_overflow with no larger window: stops with a compaction request, one request", async () => {
    const harness = new Harness(chainOf({ candidates: ["a/m1", "b/m3"] }), () =>
      fail({ reason: "context_overflow", status: 400 }),
    );
    const turn = await harness.turn();
    expect(turn.calls).toHaveLength(1);
    expect(turn.error?.kind).toBe("context-overflow");
    expect(turn.error?.needsCompaction).toBe(true);
    expect(turn.error?.summary).toMatch(/^prompt too long for a\/m1; .*compact the conversation/);
  });

  it("aborted: the caller's cancel stops at once and records nothing against any target", async () => {
    const harness = new Harness(chain, () => ({ kind: "hang" }));
    const turn = await harness.turn({ abortAfterMs: 500 });
    expect(turn.calls).toHaveLength(1);
    expect(turn.error?.kind).toBe("runtime");
    expect(turn.error?.summary).toBe("aborted by the caller (runtime)");
    expect(await harness.health.entries()).toEqual(new Map());
  });

  it("a runtime failure never changes health or advances the chain, even after real failures", async () => {
    const harness = new Harness(chain, (call) =>
      call.index === 0
        ? fail({ reason: "quota_exhausted" })
        : fail({ reason: "session_conflict", providerMessage: "lease lost" }),
    );
    const turn = await harness.turn();
    expect(route(turn.calls)).toEqual(["a/m1@a:1", "a/m1@a:2"]);
    expect(turn.error?.summary).toBe(
      "session conflict (runtime): lease lost; before that: quota exhausted on a (credential a:1)",
    );
    const entries = await harness.health.entries();
    expect([...entries.keys()]).toEqual(["a/a%3A1/*"]);
  });
});

describe("waits, deadline and budget", () => {
  it("when every candidate is cooling past the deadline, fails at once naming the recovery time", async () => {
    const harness = new Harness(chainOf({ candidates: ["a/m1", "b/m3"] }), () =>
      fail({ reason: "quota_exhausted", resetAt: Date.UTC(2026, 0, 15, 15, 30) }),
    );
    await harness.turn();
    const second = await harness.turn();
    expect(second.calls).toEqual([]);
    expect(second.error?.kind).toBe("exhausted");
    expect(second.error?.recoveryAt).toBe(Date.UTC(2026, 0, 15, 15, 30));
    expect(second.error?.summary).toMatch(/earliest recovery 15:30Z .* is after the turn deadline$/);
    expect(second.endedAt).toBe(second.startedAt);
  });

  it("when every candidate is cooling but one recovers before the deadline, waits for it", async () => {
    const harness = new Harness(
      chainOf({ candidates: ["a/m1"] }),
      firstCallOnly(fail({ reason: "rate_limit" })),
    );
    const turn = await harness.turn();
    expect(route(turn.calls)).toEqual(["a/m1@a:main", "a/m1@a:main"]);
    expect(ofType(turn.events, "wait-started")).toEqual([
      expect.objectContaining({ cause: "recovery", ms: 5_000 }),
    ]);
    expect(turn.result?.served.model).toBe("m1");
  });

  it("the turn deadline covers everything: a hanging target ends the turn at the deadline", async () => {
    const harness = new Harness(chain, () => ({ kind: "hang" }), { deadlineMs: 10_000 });
    const turn = await harness.turn();
    expect(turn.endedAt - turn.startedAt).toBe(10_000);
    expect(turn.error?.kind).toBe("deadline");
    expect(turn.error?.summary).toBe("turn deadline of 10s reached during a/m1");
    expect(await harness.health.entries()).toEqual(new Map());
  });

  it("the attempt budget bounds requests per turn", async () => {
    const harness = new Harness(chain, () => fail({ reason: "server_error", status: 500 }), {
      maxAttempts: 2,
    });
    const turn = await harness.turn();
    expect(turn.calls).toHaveLength(2);
    expect(turn.error?.summary).toBe("a/m1 server error 500 (2 attempts); attempt budget of 2 spent");
  });

  it("a stream that ends without a terminal event is a truncated stream, never a success", async () => {
    const harness = new Harness(chain, whenModel("m1", { kind: "unterminated", partial: ["par"] }), {
      maxRetriesPerTarget: 0,
    });
    const turn = await harness.turn();
    expect(route(turn.calls)).toEqual(["a/m1@a:1", "a/m2@a:1"]);
    expect(ofType(turn.events, "attempt-failed")).toEqual([
      expect.objectContaining({ reason: "truncated_stream" }),
    ]);
  });

  it("prints the failover.md §6 example", async () => {
    const example = chainOf({
      candidates: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-chat"],
      credentials: { openai: ["openai:work"] },
      options: { "deepseek/deepseek-chat": { timers: { firstTokenMs: 30_000 } } },
    });
    const harness = new Harness(example, (call) =>
      call.target.provider === "openai"
        ? fail({ reason: "quota_exhausted", status: 429, resetAt: Date.UTC(2026, 0, 15, 14, 0) })
        : { kind: "silent" },
    );
    const turn = await harness.turn();
    expect(turn.error?.summary).toBe(
      "quota exhausted on openai (credential openai:work, resets 14:00Z); skipped 1 more openai candidate; deepseek/deepseek-chat timed out after 30s (first token)",
    );
  });
});

describe("half-open probes", () => {
  it("two concurrent turns: only one probes the recovering primary, the other goes to the fallback", async () => {
    let primaryUp = false;
    const harness = new Harness(chainOf({ candidates: ["a/m1", "b/m3"] }), (call) =>
      call.target.provider === "a"
        ? primaryUp
          ? { kind: "answer", afterMs: 1_000 }
          : fail({ reason: "server_error", status: 500 })
        : { kind: "answer" },
    );
    await harness.turn();
    expect(harness.caller.callsTo("a")).toHaveLength(3);
    harness.clock.advance(60_000);
    primaryUp = true;
    const [first, second] = await Promise.all([harness.turn(), harness.turn()]);
    const probes = [...(first?.calls ?? []), ...(second?.calls ?? [])].filter(
      (call) => call.target.provider === "a",
    );
    expect(probes).toHaveLength(1);
    expect([first?.result?.served.provider, second?.result?.served.provider].sort()).toEqual(["a", "b"]);
    const skipped = [...(first?.events ?? []), ...(second?.events ?? [])].filter(
      (event) => event.type === "candidate-skipped",
    );
    expect(skipped).toEqual([expect.objectContaining({ why: "probe-in-flight" })]);
  });
});
