// Every provider error shape of the simulator's catalogue, sent over real HTTP to the adapter
// of each protocol that uses it: the classifier must name the right reason, scope and retry
// hint, and the provider must have seen exactly one request (nothing retries underneath).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classify } from "../../src/failover/classify.ts";
import type { FailureReason, FailureScope, RetryHintSource } from "../../src/failover/failure.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { callerFor, collect, routes } from "./adapter-harness.ts";

interface Expected {
  readonly reason: FailureReason;
  readonly scope: FailureScope;
  readonly hint?: RetryHintSource;
}

const expectations: Record<string, Expected> = {
  "openai.rate_limit_exceeded": { reason: "rate_limit", scope: "credential+model", hint: "retry-after" },
  "openai.insufficient_quota": { reason: "quota_exhausted", scope: "credential" },
  "openai.usage_limit_reached": { reason: "quota_exhausted", scope: "credential", hint: "body-reset-time" },
  "openai.invalid_api_key": { reason: "auth", scope: "credential" },
  "openai.missing_api_key": { reason: "auth", scope: "credential" },
  "openai.permission_denied": { reason: "permission", scope: "credential+model" },
  "openai.unsupported_region": { reason: "permission", scope: "credential+model" },
  "openai.model_not_found": { reason: "model_not_found", scope: "model" },
  "openai.context_length_exceeded": { reason: "context_overflow", scope: "model" },
  "openai.content_policy": { reason: "content_policy", scope: "request" },
  "openai.invalid_request": { reason: "invalid_request", scope: "request" },
  "openai.prefill_unsupported": { reason: "invalid_request", scope: "request" },
  "openai.server_error_500": { reason: "server_error", scope: "attempt" },
  "openai.bad_gateway_502": { reason: "server_error", scope: "attempt" },
  "openai.service_unavailable_503": { reason: "overloaded", scope: "model" },
  "openai.server_is_overloaded": { reason: "overloaded", scope: "model" },
  "openai.unknown_url": { reason: "model_not_found", scope: "model" },
  "anthropic.rate_limit_error": { reason: "rate_limit", scope: "credential+model", hint: "retry-after" },
  "anthropic.overloaded_error": { reason: "overloaded", scope: "model" },
  "anthropic.prompt_too_long": { reason: "context_overflow", scope: "model" },
  "anthropic.authentication_error": { reason: "auth", scope: "credential" },
  "anthropic.missing_api_key": { reason: "auth", scope: "credential" },
  "anthropic.permission_error": { reason: "permission", scope: "credential+model" },
  "anthropic.not_found_error": { reason: "model_not_found", scope: "model" },
  "anthropic.credit_balance_too_low": { reason: "billing", scope: "credential" },
  "anthropic.prefill_unsupported": { reason: "invalid_request", scope: "request" },
  "anthropic.invalid_thinking_signature": { reason: "invalid_request", scope: "request" },
  "anthropic.invalid_request_error": { reason: "invalid_request", scope: "request" },
  "anthropic.api_error": { reason: "server_error", scope: "attempt" },
  "gemini.resource_exhausted": { reason: "rate_limit", scope: "credential+model", hint: "gemini-retry-info" },
  "gemini.resource_exhausted_daily": {
    reason: "quota_exhausted",
    scope: "credential+model",
    hint: "gemini-retry-info",
  },
  "gemini.unavailable": { reason: "overloaded", scope: "model" },
  "gemini.internal": { reason: "server_error", scope: "attempt" },
  "gemini.api_key_invalid": { reason: "auth", scope: "credential" },
  "gemini.missing_api_key": { reason: "auth", scope: "credential" },
  "gemini.permission_denied": { reason: "permission", scope: "credential+model" },
  "gemini.not_found": { reason: "model_not_found", scope: "model" },
  "gemini.token_limit": { reason: "context_overflow", scope: "model" },
  "gemini.prefill_unsupported": { reason: "invalid_request", scope: "request" },
  "gemini.invalid_argument": { reason: "invalid_request", scope: "request" },
};

const familyRoutes = {
  openai: routes.filter((route) => route.api === "openai-chat" || route.api === "openai-responses"),
  anthropic: routes.filter((route) => route.api === "anthropic-messages"),
  gemini: routes.filter((route) => route.api === "google-gemini"),
};

const cases = Object.entries(expectations).flatMap(([id, expected]) =>
  familyRoutes[id.slice(0, id.indexOf(".")) as keyof typeof familyRoutes].map((route) => ({
    id,
    route,
    expected,
  })),
);

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => simulator.reset());

describe("HTTP errors, classified from what the adapter observed", () => {
  it.each(cases)("$id via $route.api", async ({ id, route, expected }) => {
    simulator.setScenario({ faults: [{ fault: { kind: "http-error", error: id } }] });
    const result = await collect(callerFor(simulator), route);
    expect(result.failure, "the attempt must fail").toBeDefined();
    const failure = classify(result.failure as NonNullable<typeof result.failure>, Date.now());
    expect({ reason: failure.reason, scope: failure.scope }).toEqual({
      reason: expected.reason,
      scope: expected.scope,
    });
    if (expected.hint !== undefined) {
      expect(failure.hintSource).toBe(expected.hint);
      expect(failure.retryAfterMs).toBeGreaterThan(0);
    }
    expect(failure.message).not.toContain("sk-adapter-test-key");
    expect(simulator.log()).toHaveLength(1);
  });

  it("covers every entry of the simulator's catalogue", async () => {
    const { catalogueIds } = await import("../../src/simulator/error-catalogue.ts");
    expect([...catalogueIds].sort()).toEqual(Object.keys(expectations).sort());
  });
});
