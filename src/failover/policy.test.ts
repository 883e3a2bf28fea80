import { describe, expect, it } from "vitest";
import { defaultPolicy, resolvePolicy } from "./policy.ts";

describe("policy", () => {
  it("fills in defaults and keeps what was given", () => {
    const policy = resolvePolicy({ deadlineMs: 30_000, cooldowns: { quota_exhausted: { baseMs: 60_000 } } });
    expect(policy.deadlineMs).toBe(30_000);
    expect(policy.cooldowns.quota_exhausted).toEqual({
      baseMs: 60_000,
      capMs: defaultPolicy.cooldowns.quota_exhausted.capMs,
    });
    expect(policy.breaker).toEqual(defaultPolicy.breaker);
  });

  it("names the option and the expected value when one is wrong", () => {
    expect(() => resolvePolicy({ deadlineMs: -1 })).toThrow(
      "policy.deadlineMs must be a number of milliseconds > 0, got -1",
    );
    expect(() => resolvePolicy({ maxAttempts: 0.5 })).toThrow(
      "policy.maxAttempts must be an integer >= 1, got 0.5",
    );
    expect(() => resolvePolicy({ commitMode: "later" as "hold" })).toThrow(
      'policy.commitMode must be "forward" or "hold", got "later"',
    );
    expect(() => resolvePolicy({ cooldowns: { overloaded: { baseMs: 1 } } as never })).toThrow(
      /policy\.cooldowns\.overloaded must be one of rate_limit/,
    );
  });
});
