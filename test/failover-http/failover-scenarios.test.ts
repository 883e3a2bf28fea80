// The failover issue's end-to-end scenarios over real HTTP: the real engine, the real
// adapters and classifier, the simulator playing the providers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { keyOf, makeRunner, requestsPerProvider } from "./harness.ts";

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => simulator.reset());

const quotaChain = ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"];

describe("provider-wide quota (usage_limit_reached)", () => {
  beforeEach(() => {
    simulator.setScenario({
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.usage_limit_reached" } },
      ],
    });
  });

  it("sends one request to OpenAI, skips gpt-5.4-mini without a request, and DeepSeek answers", async () => {
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: quotaChain,
    });
    const { result, events } = await run();
    expect(result?.text).toBe(canonicalReplyText);
    expect(result?.served).toMatchObject({ provider: "deepseek", model: "deepseek-v4-pro" });
    expect(requestsPerProvider(simulator)).toEqual({ openai: 1, deepseek: 1 });
    const skip = events.find((event) => event.type === "candidate-skipped");
    expect(skip).toMatchObject({
      target: { provider: "openai", model: "gpt-5.4-mini" },
      reason: "quota_exhausted",
    });
    const failed = events.find((event) => event.type === "attempt-failed");
    expect(failed).toMatchObject({ reason: "quota_exhausted", scope: "credential" });
  });

  it("with two OpenAI credentials: one request per credential, then DeepSeek", async () => {
    const run = makeRunner(simulator, {
      providers: { openai: ["work", "personal"], deepseek: ["main"] },
      chain: quotaChain,
    });
    const { result, events } = await run();
    expect(result?.served.provider).toBe("deepseek");
    const openaiRequests = simulator.log().filter((entry) => entry.provider === "openai");
    expect(openaiRequests).toHaveLength(2);
    expect(new Set(openaiRequests.map((entry) => entry.keyHash)).size).toBe(2);
    expect(events.some((event) => event.type === "credential-rotated")).toBe(true);
  });

  it("the next turn sends nothing to OpenAI until the reset", async () => {
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: quotaChain,
    });
    await run();
    const second = await run();
    expect(second.result?.served.provider).toBe("deepseek");
    expect(requestsPerProvider(simulator)).toEqual({ openai: 1, deepseek: 2 });
  });
});

describe("short-window rate limit with retry-after: 1", () => {
  it("waits about a second at most once, then answers; never a burst", async () => {
    simulator.setScenario({
      faults: [
        {
          match: { provider: "openai", calls: { to: 1 } },
          fault: { kind: "http-error", error: "openai.rate_limit_exceeded", resetInMs: 1000 },
        },
      ],
    });
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
    });
    const { result, events } = await run();
    expect(result?.text).toBe(canonicalReplyText);
    const waits = events.filter((event) => event.type === "wait-started");
    expect(waits.length).toBeLessThanOrEqual(1);
    for (const wait of waits) expect(wait.type === "wait-started" && wait.ms).toBeLessThanOrEqual(1000);
    expect(simulator.log().length).toBeLessThanOrEqual(2);
  });
});

describe("a silent target", () => {
  it("fires the first-token timer once and the next candidate answers; the silent one is not retried", async () => {
    simulator.setScenario({
      faults: [{ match: { provider: "openai" }, fault: { kind: "slow-first-token", delayMs: 20_000 } }],
    });
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
      models: { openai: { "gpt-5.5": { timers: { firstTokenMs: 300 } } } },
    });
    const { result, events } = await run();
    expect(result?.served.provider).toBe("deepseek");
    expect(requestsPerProvider(simulator)).toEqual({ openai: 1, deepseek: 1 });
    expect(events.find((event) => event.type === "attempt-failed")).toMatchObject({
      reason: "timeout",
      timer: "first-token",
    });
  });
});

describe("a stream cut after partial output", () => {
  it("is never a success: the caller sees attempt-discarded, then a complete answer", async () => {
    simulator.setScenario({
      faults: [{ match: { provider: "openai" }, fault: { kind: "cut-after", tokens: 4 } }],
    });
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
      policy: { maxRetriesPerTarget: 0 },
    });
    const { result, events } = await run();
    expect(result?.text).toBe(canonicalReplyText);
    const types = events.map((event) => event.type);
    const discarded = types.indexOf("attempt-discarded");
    expect(discarded).toBeGreaterThan(types.indexOf("text-delta"));
    // Everything the caller sees after the discard adds up to the complete answer.
    const after = events
      .slice(discarded)
      .flatMap((event) => (event.type === "text-delta" ? [event.text] : []));
    expect(after.join("")).toBe(canonicalReplyText);
    expect(events.find((event) => event.type === "attempt-failed")).toMatchObject({
      reason: "truncated_stream",
    });
  });
});

describe("a content policy rejection", () => {
  it("makes one request, no fallback, and surfaces the provider's reason", async () => {
    simulator.setScenario({
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.content_policy" } },
      ],
    });
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
    });
    const { result, error } = await run();
    expect(result).toBeUndefined();
    expect(error?.message.split("\n")[0]).toMatch(/content policy/i);
    expect(error?.message).toContain("flagged as potentially violating our usage policy");
    expect(requestsPerProvider(simulator)).toEqual({ openai: 1 });
  });
});

describe("a primary that is down for a while", () => {
  it("the fallback serves during the outage, the primary is probed sparingly, and traffic returns after", async () => {
    const outageMs = 1_500;
    simulator.setScenario({
      faults: [
        {
          match: { provider: "openai", window: { untilMs: outageMs } },
          fault: { kind: "http-error", error: "openai.service_unavailable_503" },
        },
      ],
    });
    const run = makeRunner(simulator, {
      providers: { openai: ["work"], deepseek: ["main"] },
      chain: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
      policy: { maxRetriesPerTarget: 0, breaker: { threshold: 1, baseMs: 500, capMs: 500 } },
    });
    const served: string[] = [];
    const startedAt = Date.now();
    // Turns keep coming through the outage and past it.
    while (Date.now() - startedAt < outageMs + 1_500) {
      const { result } = await run();
      served.push(result?.served.provider ?? "failed");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(served).not.toContain("failed");
    expect(served[0]).toBe("deepseek");
    expect(served.at(-1)).toBe("openai");
    // During the outage the primary saw its first failure plus at most one probe per cooldown window.
    const failedPrimary = simulator
      .log()
      .filter((entry) => entry.provider === "openai" && entry.status === 503);
    expect(failedPrimary.length).toBeLessThanOrEqual(1 + Math.ceil(outageMs / 500));
    for (let index = 1; index < failedPrimary.length; index += 1) {
      const gap = (failedPrimary[index]?.atMs ?? 0) - (failedPrimary[index - 1]?.atMs ?? 0);
      expect(gap).toBeGreaterThanOrEqual(450);
    }
    expect(keyOf("openai", "work")).not.toBe("");
  });
});
