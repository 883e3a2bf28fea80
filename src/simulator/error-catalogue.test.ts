import { describe, expect, it } from "vitest";
import { wireProtocols } from "../providers/wire-protocol.ts";
import { catalogueIds, errorAliases, errorCatalogue, resolveError } from "./error-catalogue.ts";
import {
  type ErrorContext,
  errorFields,
  goDuration,
  inStreamError,
  maskKey,
  responsesFailure,
} from "./error-shapes.ts";

const context: ErrorContext = {
  now: Date.UTC(2026, 0, 1, 12, 0, 0),
  resetInMs: 90_000,
  model: "some-model",
  requestId: "req_1",
  maskedKey: "sk-ab****wxyz",
  promptTokens: 10,
  method: "POST",
  path: "/v1/chat/completions",
};

describe("error catalogue", () => {
  it("gives every entry an id in its family, an error status, a source and a renderable body", () => {
    for (const entry of errorCatalogue.values()) {
      expect(entry.id.startsWith(`${entry.family}.`), entry.id).toBe(true);
      expect(entry.status, entry.id).toBeGreaterThanOrEqual(400);
      expect(entry.source.length, entry.id).toBeGreaterThan(10);
      const body = entry.body(context);
      expect(typeof body === "string" ? body : JSON.stringify(body), entry.id).toMatch(/\S/);
      expect(errorFields(body).message, entry.id).not.toBe("error");
    }
  });

  it("has every error the issue names", () => {
    for (const id of [
      "openai.rate_limit_exceeded",
      "openai.insufficient_quota",
      "openai.usage_limit_reached",
      "openai.invalid_api_key",
      "openai.permission_denied",
      "openai.model_not_found",
      "openai.context_length_exceeded",
      "openai.content_policy",
      "openai.server_error_500",
      "openai.bad_gateway_502",
      "openai.service_unavailable_503",
      "anthropic.rate_limit_error",
      "anthropic.overloaded_error",
      "anthropic.prompt_too_long",
      "anthropic.authentication_error",
      "gemini.resource_exhausted",
      "gemini.unavailable",
    ]) {
      expect(catalogueIds).toContain(id);
    }
  });

  it("resolves every alias to an entry of the route's family", () => {
    for (const [alias, ids] of Object.entries(errorAliases)) {
      expect(resolveError(alias, "openai-responses")?.id).toBe(ids.openai);
      expect(resolveError(alias, "anthropic-messages")?.id).toBe(ids.anthropic);
      expect(resolveError(alias, "google-gemini")?.id).toBe(ids.gemini);
    }
    expect(resolveError("nope", "openai-chat")).toBeUndefined();
  });

  it("renders an in-stream form of every entry on every protocol that keeps its type or code", () => {
    for (const entry of errorCatalogue.values()) {
      const fields = errorFields(entry.body(context));
      for (const protocol of wireProtocols) {
        const text = JSON.stringify(inStreamError(entry, protocol, context));
        expect(text, `${entry.id} on ${protocol}`).toContain("error");
        if (fields.type !== undefined && protocol === "anthropic-messages")
          expect(text).toContain(fields.type);
      }
      expect(responsesFailure(entry, context).message.length).toBeGreaterThan(0);
    }
  });

  it("writes reset times the way each provider does", () => {
    const openAi = errorCatalogue.get("openai.rate_limit_exceeded")?.headers?.(context);
    expect(openAi).toMatchObject({ "retry-after": "90", "x-ratelimit-reset-requests": "1m30s" });
    const anthropic = errorCatalogue.get("anthropic.rate_limit_error")?.headers?.(context);
    expect(anthropic?.["anthropic-ratelimit-requests-reset"]).toBe("2026-01-01T12:01:30Z");
    const codex = errorCatalogue.get("openai.usage_limit_reached")?.body(context) as {
      error: Record<string, unknown>;
    };
    expect(codex.error).toMatchObject({ resets_in_seconds: 90, resets_at: context.now / 1000 + 90 });
    const gemini = JSON.stringify(errorCatalogue.get("gemini.resource_exhausted")?.body(context));
    expect(gemini).toContain('"retryDelay":"90s"');
  });
});

describe("error shapes", () => {
  it("formats durations like OpenAI's x-ratelimit-reset headers", () => {
    expect([20, 1000, 1500, 59_999, 360_000, 3_723_000].map(goDuration)).toEqual([
      "20ms",
      "1s",
      "1.5s",
      "59.999s",
      "6m0s",
      "1h2m3s",
    ]);
  });

  it("masks keys, keeping only a prefix and the last four characters", () => {
    expect(maskKey("sk-proj-abcdefghijklmnop1234")).toBe(`sk-pr${"*".repeat(19)}1234`);
    expect(maskKey("short")).toBe("*****");
    expect(maskKey(undefined)).toBe("");
  });
});
