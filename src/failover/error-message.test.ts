import { describe, expect, it } from "vitest";
import { expandCandidates } from "./chain.ts";
import { errorMessage, failurePhrase, formatDuration, formatTime } from "./error-message.ts";
import { resolvePolicy } from "./policy.ts";

const now = Date.UTC(2026, 0, 15, 13, 0, 0);
const targets = expandCandidates({
  name: "test",
  providers: [{ id: "openai", api: "openai-chat", credentials: [{ id: "openai:work" }] }],
  candidates: [{ provider: "openai", model: "gpt-5.5", options: { timers: { idleMs: 15_000 } } }],
});
const target = targets[0] as (typeof targets)[number];

describe("error message pieces", () => {
  it("formats times as people read them", () => {
    expect(formatTime(Date.UTC(2026, 0, 15, 14, 0, 0), now)).toBe("14:00Z");
    expect(formatTime(Date.UTC(2026, 0, 15, 14, 0, 5), now)).toBe("14:00:05Z");
    expect(formatTime(Date.UTC(2026, 0, 17, 9, 30), now)).toBe("2026-01-17 09:30Z");
    expect([450, 1_500, 30_000, 90_000, 5_400_000].map(formatDuration)).toEqual([
      "450ms",
      "1.5s",
      "30s",
      "1m30s",
      "1h30m",
    ]);
  });

  it("names the scope in each phrase", () => {
    const phrase = (
      reason: Parameters<typeof failurePhrase>[0]["reason"],
      scope: Parameters<typeof failurePhrase>[0]["scope"],
    ) => failurePhrase({ reason, scope, message: "m" }, target, now, 2_000, now);
    expect(phrase("rate_limit", "credential+model")).toBe(
      "rate limited on openai/gpt-5.5 (credential openai:work)",
    );
    expect(phrase("auth", "credential")).toBe("authentication failed on openai (credential openai:work)");
    expect(phrase("overloaded", "model")).toBe("openai/gpt-5.5 overloaded");
    expect(phrase("network", "provider")).toBe("network error reaching openai");
    expect(phrase("aborted", "runtime")).toBe("aborted by the caller (runtime)");
    expect(
      failurePhrase(
        {
          reason: "timeout",
          scope: "model",
          message: "idle",
          raw: {
            provider: "openai",
            api: "openai-chat",
            model: "gpt-5.5",
            credentialId: "openai:work",
            timer: "idle",
            outputReachedCaller: true,
            message: "idle",
          },
        },
        target,
        now,
        40_000,
        now,
      ),
    ).toBe("openai/gpt-5.5 timed out after 15s (idle between chunks)");
  });

  it("lists every attempt after the first line", () => {
    const message = errorMessage({
      cause: { kind: "exhausted" },
      narrative: [
        {
          type: "failure",
          attempt: 1,
          targetIndex: 0,
          failure: { reason: "server_error", scope: "attempt", message: "HTTP 502 Bad Gateway" },
          at: now,
          ms: 120,
          outputReachedCaller: false,
        },
      ],
      targets,
      policy: resolvePolicy(),
      now,
    });
    expect(message.split("\n")).toEqual([
      "openai/gpt-5.5 server error",
      "  attempt 1 openai/gpt-5.5 via openai:work, 120ms: server_error (attempt): HTTP 502 Bad Gateway",
    ]);
  });

  it("says a model cooled by this turn was skipped again, and collapses repeated phrases", () => {
    const failure = (attempt: number, at: number) => ({
      type: "failure" as const,
      attempt,
      targetIndex: 0,
      failure: { reason: "overloaded" as const, scope: "model" as const, message: "529" },
      at,
      ms: 10,
      outputReachedCaller: false,
    });
    const skip = {
      type: "skip" as const,
      skip: {
        targetIndex: 0,
        why: "cooling" as const,
        key: { kind: "model" as const, provider: "openai", model: "gpt-5.5" },
        until: now + 60_000,
        reason: "overloaded" as const,
      },
    };
    const message = errorMessage({
      cause: { kind: "exhausted" },
      narrative: [failure(1, now), skip, failure(2, now + 1_000), skip],
      targets,
      policy: resolvePolicy(),
      now,
    });
    const first = message.split("\n")[0];
    expect(first).toBe(
      "openai/gpt-5.5 overloaded (x2); openai/gpt-5.5 skipped again (openai/gpt-5.5 cooling) (x2)",
    );
  });
});
