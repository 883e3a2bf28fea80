import { describe, expect, it } from "vitest";
import { FailoverError } from "../failover/failover-error.ts";
import { TurnError } from "../turn/turn-error.ts";
import { gatewayErrorOf } from "./turn-error-status.ts";

const now = Date.UTC(2026, 0, 1);

function turnError(reason: TurnError["reason"], scope: TurnError["scope"], cause?: unknown): TurnError {
  return new TurnError(`${reason} happened\n  attempt 1 ...`, {
    kind: reason === "content_policy" ? "request" : "providers",
    reason,
    scope,
    ...(cause === undefined ? {} : { cause }),
  });
}

describe("a failed turn as an HTTP status", () => {
  it("maps reasons to the statuses OpenAI clients expect", () => {
    const cases: [TurnError["reason"], TurnError["scope"], number, string][] = [
      ["rate_limit", "credential+model", 429, "rate_limit_exceeded"],
      ["content_policy", "request", 400, "content_policy_violation"],
      ["context_overflow", "model", 400, "context_length_exceeded"],
      ["model_not_found", "model", 404, "model_not_found"],
      ["overloaded", "model", 503, "overloaded"],
      ["server_error", "attempt", 502, "server_error"],
      ["timeout", "model", 504, "timeout"],
      ["session_busy", "runtime", 409, "session_busy"],
      ["config", "runtime", 500, "config"],
    ];
    for (const [reason, scope, status, code] of cases) {
      const error = gatewayErrorOf(turnError(reason, scope), now);
      expect({ reason, status: error.status, code: error.code }).toEqual({ reason, status, code });
      expect(error.toJSON().error).toMatchObject({ baton: { reason, scope } });
    }
  });

  it("never passes a provider's auth failure on as the client's 401", () => {
    const error = gatewayErrorOf(turnError("auth", "credential"), now);
    expect(error.status).toBe(502);
    expect(error.headers["x-should-retry"]).toBe("false");
  });

  it("reports a chain that is all cooling by the skips' reason, with Retry-After", () => {
    const cause = new FailoverError("openai/gpt-5.5 skipped ...", {
      kind: "exhausted",
      attempts: [],
      skipped: [
        {
          at: now,
          target: { provider: "openai", api: "openai-chat", model: "gpt-5.5", credentialId: "openai:work" },
          why: "cooling",
          key: {
            kind: "credential",
            provider: "openai",
            credentialId: "openai:work",
            label: "openai (credential openai:work)",
          },
          until: now + 90_000,
          reason: "quota_exhausted",
        },
      ],
      recoveryAt: now + 90_000,
    });
    const error = gatewayErrorOf(turnError("internal", "runtime", cause), now);
    expect(error.status).toBe(429);
    expect(error.headers["retry-after"]).toBe("90");
    // Too far off for the client's own retries to help.
    expect(error.headers["x-should-retry"]).toBe("false");
    expect(error.toJSON().error).toMatchObject({
      code: "insufficient_quota",
      baton: { reason: "quota_exhausted", scope: "credential", kind: "exhausted" },
    });
  });

  it("answers a turn deadline with 504", () => {
    const cause = new FailoverError("deadline", { kind: "deadline", attempts: [], skipped: [] });
    expect(gatewayErrorOf(turnError("timeout", "runtime", cause), now).status).toBe(504);
  });
});
