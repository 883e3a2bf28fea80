// The six scenarios of the failover issue, at the engine level, against a scripted caller on a
// fake clock: which targets got requests, what was answered, what the trace and error say.
import { describe, expect, it } from "vitest";
import { chainOf, Harness, ofType, route, visibleText } from "./support/harness.ts";
import type { Step } from "./support/scripted-caller.ts";

const hour = 3_600_000;

describe("scenario 1: provider-wide quota 429 (usage_limit_reached)", () => {
  const candidates = ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"];
  const quota = (resetAt: number): Step => ({
    kind: "fail",
    failure: { reason: "quota_exhausted", status: 429, resetAt, providerMessage: "usage_limit_reached" },
  });

  it("sends one request to OpenAI, skips gpt-5.4-mini without a request, and DeepSeek answers", async () => {
    let resetAt = 0;
    const harness = new Harness(chainOf({ candidates }), (call) =>
      call.target.provider === "openai" ? quota(resetAt) : { kind: "answer", text: "hello from deepseek" },
    );
    resetAt = harness.clock.now() + hour;
    const turn = await harness.turn();

    expect(route(turn.calls)).toEqual([
      "openai/gpt-5.5@openai:main",
      "deepseek/deepseek-v4-pro@deepseek:main",
    ]);
    expect(turn.result?.text).toBe("hello from deepseek");
    expect(turn.result?.served).toMatchObject({ provider: "deepseek", model: "deepseek-v4-pro" });
    // The trace says why: the credential cools until the reset, and mini is skipped for it.
    expect(ofType(turn.events, "cooldown-started")).toEqual([
      expect.objectContaining({
        reason: "quota_exhausted",
        until: resetAt,
        source: "provider-hint",
        key: expect.objectContaining({ kind: "credential", credentialId: "openai:main" }),
      }),
    ]);
    expect(ofType(turn.events, "candidate-skipped")).toEqual([
      expect.objectContaining({
        target: expect.objectContaining({ model: "gpt-5.4-mini" }),
        why: "cooling",
        until: resetAt,
        reason: "quota_exhausted",
      }),
    ]);
    expect(
      turn.result?.attempts.map((attempt) => [attempt.target.model, attempt.outcome, attempt.reason]),
    ).toEqual([
      ["gpt-5.5", "failed", "quota_exhausted"],
      ["deepseek-v4-pro", "answered", undefined],
    ]);
  });

  it("with two OpenAI credentials: exactly one request per credential, then DeepSeek", async () => {
    let resetAt = 0;
    const harness = new Harness(
      chainOf({ candidates, credentials: { openai: ["openai:work", "openai:personal"] } }),
      (call) => (call.target.provider === "openai" ? quota(resetAt) : { kind: "answer" }),
    );
    resetAt = harness.clock.now() + hour;
    const turn = await harness.turn();

    expect(route(turn.calls)).toEqual([
      "openai/gpt-5.5@openai:work",
      "openai/gpt-5.5@openai:personal",
      "deepseek/deepseek-v4-pro@deepseek:main",
    ]);
    expect(ofType(turn.events, "credential-rotated")).toEqual([
      expect.objectContaining({
        provider: "openai",
        from: "openai:work",
        to: "openai:personal",
        reason: "quota_exhausted",
      }),
    ]);
    expect(ofType(turn.events, "candidate-skipped").map((skip) => skip.target.credentialId)).toEqual([
      "openai:work",
      "openai:personal",
    ]);
  });

  it("sends nothing to the exhausted provider in later turns until the reset, then tries it again", async () => {
    let resetAt = 0;
    let openaiRecovered = false;
    const harness = new Harness(chainOf({ candidates }), (call) =>
      call.target.provider === "openai" && !openaiRecovered ? quota(resetAt) : { kind: "answer" },
    );
    resetAt = harness.clock.now() + hour;
    const perTurn: number[] = [];
    for (let turn = 0; turn < 5; turn += 1) {
      const outcome = await harness.turn();
      perTurn.push(outcome.calls.filter((call) => call.target.provider === "openai").length);
      harness.clock.advance(60_000);
    }
    expect(perTurn).toEqual([1, 0, 0, 0, 0]);
    harness.clock.advance(hour);
    openaiRecovered = true;
    const after = await harness.turn();
    expect(after.result?.served.provider).toBe("openai");
  });
});

describe("scenario 2: short-window 429 with Retry-After: 1", () => {
  it("waits once, about a second, then answers from the same target", async () => {
    let first = true;
    const harness = new Harness(
      chainOf({ candidates: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"] }),
      () => {
        if (first) {
          first = false;
          return { kind: "fail", failure: { reason: "rate_limit", status: 429, retryAfterMs: 1000 } };
        }
        return { kind: "answer", text: "after the wait" };
      },
    );
    const turn = await harness.turn();

    expect(route(turn.calls)).toEqual(["openai/gpt-5.5@openai:main", "openai/gpt-5.5@openai:main"]);
    expect(ofType(turn.events, "wait-started")).toEqual([
      expect.objectContaining({ cause: "retry-after", ms: 1000 }),
    ]);
    expect((turn.calls[1]?.at ?? 0) - (turn.calls[0]?.at ?? 0)).toBe(1000);
    expect(turn.result?.text).toBe("after the wait");
  });

  it("never bursts: a target that keeps answering 429 gets at most one request per Retry-After window", async () => {
    const harness = new Harness(chainOf({ candidates: ["openai/gpt-5.5"] }), () => ({
      kind: "fail",
      failure: { reason: "rate_limit", status: 429, retryAfterMs: 1000 },
    }));
    const turn = await harness.turn({ policy: { deadlineMs: 10_000 } });
    const times = turn.calls.map((call) => call.at);
    for (let index = 1; index < times.length; index += 1) {
      expect((times[index] as number) - (times[index - 1] as number)).toBeGreaterThanOrEqual(1000);
    }
    expect(turn.error?.summary).toMatch(
      /^rate limited on openai\/gpt-5\.5 \(credential openai:main, resets /,
    );
  });
});

describe("scenario 3: a primary that is down for a while", () => {
  it("serves from the fallback during the outage, probes the primary at most once per cooldown, and returns to it", async () => {
    let primaryUp = false;
    const harness = new Harness(
      chainOf({ candidates: ["anthropic/claude-opus", "openai/gpt-5.5"] }),
      (call) =>
        call.target.provider === "anthropic" && !primaryUp
          ? { kind: "fail", failure: { reason: "server_error", status: 503 } }
          : { kind: "answer" },
    );
    const outageEndsAt = harness.clock.now() + 5 * 60_000;
    const turns = [];
    for (let index = 0; index < 200; index += 1) {
      primaryUp = harness.clock.now() >= outageEndsAt;
      turns.push(await harness.turn());
      harness.clock.advance(2_000);
    }
    const events = turns.flatMap((turn) => turn.events);
    // Every turn was answered: by the fallback during the outage.
    expect(turns.every((turn) => turn.result !== undefined)).toBe(true);
    // While the primary's breaker is open, no request reaches it; after each open period, one probe.
    const opened = ofType(events, "breaker-opened").filter((event) => event.key.provider === "anthropic");
    expect(opened.length).toBeGreaterThan(1);
    const primaryCalls = harness.caller.callsTo("anthropic");
    for (const open of opened) {
      expect(primaryCalls.filter((call) => call.at > open.at && call.at < open.until)).toEqual([]);
      const probes = primaryCalls.filter((call) => call.at >= open.until && call.at < open.until + 2_000);
      expect(probes.length).toBeLessThanOrEqual(1);
    }
    // Once the primary recovers, traffic is back on it within one cooldown (the breaker's cap).
    const firstServedByPrimary = turns.find(
      (turn) => turn.startedAt >= outageEndsAt && turn.result?.served.provider === "anthropic",
    );
    expect(firstServedByPrimary).toBeDefined();
    expect((firstServedByPrimary?.startedAt ?? 0) - outageEndsAt).toBeLessThanOrEqual(120_000 + 2_000);
    const later = turns.filter((turn) => turn.startedAt > (firstServedByPrimary?.startedAt ?? 0));
    expect(later.every((turn) => turn.result?.served.provider === "anthropic")).toBe(true);
    expect(ofType(events, "breaker-closed").some((event) => event.key.provider === "anthropic")).toBe(true);
  });
});

describe("scenario 4: a silent target", () => {
  it("fires the first-token timer once, is not retried, and the next candidate answers", async () => {
    const chain = chainOf({
      candidates: ["openai/o-silent", "deepseek/deepseek-v4-pro"],
      options: { "openai/o-silent": { timers: { firstTokenMs: 30_000 } } },
    });
    const harness = new Harness(chain, (call) =>
      call.target.provider === "openai" ? { kind: "silent" } : { kind: "answer" },
    );
    const turn = await harness.turn();

    expect(route(turn.calls)).toEqual([
      "openai/o-silent@openai:main",
      "deepseek/deepseek-v4-pro@deepseek:main",
    ]);
    expect(turn.calls[0]?.request.timers?.firstTokenMs).toBe(30_000);
    expect(ofType(turn.events, "attempt-failed")).toEqual([
      expect.objectContaining({ reason: "timeout", timer: "first-token" }),
    ]);
    expect(ofType(turn.events, "wait-started")).toEqual([]);
    expect(turn.result?.served.provider).toBe("deepseek");
  });
});

describe("scenario 5: stream cut after partial output", () => {
  const chain = chainOf({ candidates: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"] });
  const script = (call: { target: { provider: string } }): Step =>
    call.target.provider === "openai"
      ? { kind: "cut", partial: ["The answer ", "is"] }
      : { kind: "answer", chunks: ["The answer ", "is 42."] };

  it("is never a truncated success: the caller sees attempt-discarded, then a complete answer", async () => {
    const harness = new Harness(chain, script);
    const turn = await harness.turn();

    expect(turn.result?.text).toBe("The answer is 42.");
    expect(turn.result?.served.provider).toBe("deepseek");
    const kinds = turn.events
      .filter((event) => ["text-delta", "attempt-discarded", "attempt-started"].includes(event.type))
      .map((event) => event.type);
    const lastDiscard = kinds.lastIndexOf("attempt-discarded");
    expect(lastDiscard).toBeGreaterThan(kinds.indexOf("text-delta"));
    expect(kinds.indexOf("attempt-started", lastDiscard)).toBeGreaterThan(lastDiscard);
    expect(visibleText(turn.events)).toBe("The answer is 42.");
    expect(
      turn.result?.attempts
        .filter((attempt) => attempt.outcome === "failed")
        .every((attempt) => attempt.outputReachedCaller),
    ).toBe(true);
  });

  it("continues with an assistant prefill on a target that accepts one, without retracting", async () => {
    const prefillChain = chainOf({
      candidates: ["openai/gpt-5.5", "anthropic/claude-opus"],
      options: {
        "openai/gpt-5.5": { acceptsPrefill: false },
        "anthropic/claude-opus": { acceptsPrefill: true },
      },
    });
    const harness = new Harness(
      prefillChain,
      (call) =>
        call.target.provider === "openai"
          ? { kind: "cut", partial: ["The answer "] }
          : { kind: "answer", text: "is 42." },
      { maxRetriesPerTarget: 0 },
    );
    const turn = await harness.turn();

    const continued = harness.caller.callsTo("anthropic")[0];
    expect(continued?.request.messages.at(-1)).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "The answer " }],
    });
    expect(ofType(turn.events, "attempt-discarded")).toEqual([]);
    expect(turn.result?.text).toBe("The answer is 42.");
    expect(turn.result?.prefilledText).toBe("The answer ");
    expect(visibleText(turn.events)).toBe("The answer is 42.");
  });

  it("in hold mode forwards nothing until an attempt completes, so nothing is retracted", async () => {
    const harness = new Harness(chain, script, { commitMode: "hold" });
    const turn = await harness.turn();

    expect(ofType(turn.events, "attempt-discarded")).toEqual([]);
    const firstText = turn.events.findIndex((event) => event.type === "text-delta");
    const finished = turn.events.findIndex((event) => event.type === "attempt-finished");
    expect(turn.events.slice(0, firstText).filter((event) => event.type === "attempt-failed")).toHaveLength(
      2,
    );
    expect(firstText).toBeLessThan(finished);
    expect(visibleText(turn.events)).toBe("The answer is 42.");
  });

  it("for a caller that cannot retract and no target that accepts a prefill: a clean error, not a second answer", async () => {
    const harness = new Harness(chain, script, { canRetract: false });
    const turn = await harness.turn();

    expect(turn.result).toBeUndefined();
    expect(turn.error?.kind).toBe("partial-output");
    expect(turn.error?.summary).toMatch(/^stream from openai\/gpt-5\.5 cut off after partial output/);
    expect(harness.caller.callsTo("deepseek")).toEqual([]);
  });
});

describe("scenario 6: content policy rejection", () => {
  it("sends one request, does not fall back, and surfaces the provider's reason", async () => {
    const harness = new Harness(chainOf({ candidates: ["anthropic/claude-opus", "openai/gpt-5.5"] }), () => ({
      kind: "fail",
      failure: {
        reason: "content_policy",
        status: 400,
        providerMessage: "Output blocked by content filtering policy",
      },
    }));
    const turn = await harness.turn();

    expect(turn.calls).toHaveLength(1);
    expect(turn.error?.kind).toBe("request");
    expect(turn.error?.summary).toBe(
      "content policy rejection by anthropic/claude-opus (request): Output blocked by content filtering policy",
    );
    expect(turn.error?.message).not.toMatch(/all models failed/i);
    expect(await harness.health.entries()).toEqual(new Map());
  });

  it("falls back when the policy opts in", async () => {
    const harness = new Harness(
      chainOf({ candidates: ["anthropic/claude-opus", "openai/gpt-5.5"] }),
      (call) =>
        call.target.provider === "anthropic"
          ? { kind: "fail", failure: { reason: "content_policy" } }
          : { kind: "answer" },
      { allowFallbackOnContentPolicy: true },
    );
    const turn = await harness.turn();
    expect(route(turn.calls)).toEqual(["anthropic/claude-opus@anthropic:main", "openai/gpt-5.5@openai:main"]);
    expect(turn.result?.served.provider).toBe("openai");
  });
});
