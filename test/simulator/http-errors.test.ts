// Every HTTP error in the catalogue, served by the simulator and caught by the official client
// of its provider family: the client must raise the same error class, status, type/code and
// retry headers it raises for the real provider's response.
import Anthropic from "@anthropic-ai/sdk";
import { ApiError } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CatalogueEntry,
  type ErrorContext,
  errorCatalogue,
  loadScenarioFile,
  type Scenario,
  type Simulator,
  startSimulator,
} from "../../src/simulator/index.ts";
import { anthropicClient, caught, geminiClient, openAiClient, openAiKey, user } from "./support.ts";

const resetInMs = 7_000;
const entries = [...errorCatalogue.values()];
const byFamily = (family: CatalogueEntry["family"]) => entries.filter((entry) => entry.family === family);

/** The context the simulator renders with, minus the parts that vary per request. */
const sampleContext = (model: string): ErrorContext => ({
  now: Date.now(),
  resetInMs,
  model,
  requestId: "req_sample",
  maskedKey: "",
  promptTokens: 1,
  method: "POST",
  path: "/",
});

const openAiClasses: Record<number, unknown> = {
  400: OpenAI.BadRequestError,
  401: OpenAI.AuthenticationError,
  403: OpenAI.PermissionDeniedError,
  404: OpenAI.NotFoundError,
  429: OpenAI.RateLimitError,
};
const anthropicClasses: Record<number, unknown> = {
  400: Anthropic.BadRequestError,
  401: Anthropic.AuthenticationError,
  403: Anthropic.PermissionDeniedError,
  404: Anthropic.NotFoundError,
  429: Anthropic.RateLimitError,
  500: Anthropic.InternalServerError,
  529: Anthropic.OverloadedError,
};

/** Headers whose value depends only on resetInMs (not on the clock), compared exactly. */
const clockFree = new Set([
  "retry-after",
  "x-ratelimit-reset-requests",
  "x-codex-primary-reset-after-seconds",
]);

describe("HTTP errors from the catalogue, as the official clients raise them", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    const scenario: Scenario = {
      faults: entries.map((entry) => ({
        match: { model: entry.id },
        fault: { kind: "http-error", error: entry.id, resetInMs },
      })),
    };
    simulator = await startSimulator({ scenario });
  });
  afterAll(() => simulator.close());

  it.each(byFamily("openai").map((entry) => [entry.id, entry] as const))(
    "%s through the openai client",
    async (id, entry) => {
      const error = await caught(
        openAiClient(simulator).chat.completions.create({ model: id, messages: [user("hi")] }),
      );
      const expectedClass = openAiClasses[entry.status] ?? OpenAI.InternalServerError;
      expect(error).toBeInstanceOf(expectedClass);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(entry.status);
      const body = entry.body(sampleContext(id));
      if (typeof body === "string") {
        expect(apiError.error).toBeUndefined();
        expect(apiError.message).toContain(`${entry.status} Bad Gateway`);
      } else {
        const expected = (body as { error: { code?: string | null; type?: string } }).error;
        expect(apiError.code ?? null).toBe(expected.code ?? null);
        expect(apiError.type).toBe(expected.type);
      }
      for (const [name, value] of Object.entries(entry.headers?.(sampleContext(id)) ?? {})) {
        expect(apiError.headers?.get(name), name).not.toBeNull();
        if (clockFree.has(name)) expect(apiError.headers?.get(name), name).toBe(value);
      }
      expect(apiError.requestID).toMatch(/^req_/);
    },
  );

  it.each(byFamily("anthropic").map((entry) => [entry.id, entry] as const))(
    "%s through the @anthropic-ai/sdk client",
    async (id, entry) => {
      const error = await caught(
        anthropicClient(simulator).messages.create({ model: id, max_tokens: 64, messages: [user("hi")] }),
      );
      expect(error).toBeInstanceOf(anthropicClasses[entry.status] ?? Anthropic.APIError);
      const apiError = error as InstanceType<typeof Anthropic.APIError>;
      const expected = (entry.body(sampleContext(id)) as { error: { type: string; message: string } }).error;
      expect(apiError.status).toBe(entry.status);
      expect(apiError.type).toBe(expected.type);
      expect(apiError.apiMessage).toBe(expected.message);
      expect(apiError.requestID).toMatch(/^req_/);
      for (const [name, value] of Object.entries(entry.headers?.(sampleContext(id)) ?? {})) {
        expect(apiError.headers?.get(name), name).not.toBeNull();
        if (clockFree.has(name)) expect(apiError.headers?.get(name), name).toBe(value);
      }
    },
  );

  it.each(byFamily("gemini").map((entry) => [entry.id, entry] as const))(
    "%s through the @google/genai client",
    async (id, entry) => {
      const error = await caught(
        geminiClient(simulator).models.generateContent({ model: id, contents: "hi" }),
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(entry.status);
      const received = JSON.parse((error as ApiError).message) as {
        error: { code: number; status: string; details?: unknown[] };
      };
      const expected = (entry.body(sampleContext(id)) as { error: { code: number; status: string } }).error;
      expect(received.error.code).toBe(expected.code);
      expect(received.error.status).toBe(expected.status);
    },
  );

  it("gives OpenAI's short-window 429 a retry-after and x-ratelimit-* the client can read", async () => {
    const error = (await caught(
      openAiClient(simulator).chat.completions.create({
        model: "openai.rate_limit_exceeded",
        messages: [user("hi")],
      }),
    )) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers?.get("retry-after")).toBe("7");
    expect(error.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(error.headers?.get("x-ratelimit-reset-requests")).toBe("7s");
    expect(error.message).toContain("Please try again in 7s");
  });

  it("puts the reset of a plan usage limit in the body, where Codex clients read it", async () => {
    const before = Math.floor(Date.now() / 1000);
    const error = (await caught(
      openAiClient(simulator).chat.completions.create({
        model: "openai.usage_limit_reached",
        messages: [user("hi")],
      }),
    )) as InstanceType<typeof OpenAI.RateLimitError>;
    const body = error.error as { type: string; resets_in_seconds: number; resets_at: number };
    expect(error.status).toBe(429);
    expect(error.type).toBe("usage_limit_reached");
    expect(body.resets_in_seconds).toBe(7);
    expect(body.resets_at).toBeGreaterThanOrEqual(before + 7);
    expect(body.resets_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 7);
  });

  it("echoes only a masked key in OpenAI's 401 body", async () => {
    const error = (await caught(
      openAiClient(simulator).chat.completions.create({
        model: "openai.invalid_api_key",
        messages: [user("hi")],
      }),
    )) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(error.message).toContain(`Incorrect API key provided: ${openAiKey.slice(0, 5)}`);
    expect(error.message).toContain(openAiKey.slice(-4));
    expect(error.message).not.toContain(openAiKey);
  });

  it("gives Anthropic's 429 retry-after and anthropic-ratelimit-* reset times in RFC 3339", async () => {
    const error = (await caught(
      anthropicClient(simulator).messages.create({
        model: "anthropic.rate_limit_error",
        max_tokens: 64,
        messages: [user("hi")],
      }),
    )) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.headers?.get("retry-after")).toBe("7");
    expect(error.headers?.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    const reset = Date.parse(error.headers?.get("anthropic-ratelimit-requests-reset") ?? "");
    expect(reset).toBeGreaterThan(Date.now());
    expect(error.headers?.get("anthropic-ratelimit-requests-reset")).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it("gives Gemini's 429 a google.rpc.RetryInfo retryDelay and a QuotaFailure", async () => {
    const error = (await caught(
      geminiClient(simulator).models.generateContent({ model: "gemini.resource_exhausted", contents: "hi" }),
    )) as ApiError;
    const details = (JSON.parse(error.message) as { error: { details: Record<string, unknown>[] } }).error
      .details;
    expect(details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "7s" });
    const quota = details.find((detail) => detail["@type"] === "type.googleapis.com/google.rpc.QuotaFailure");
    expect(JSON.stringify(quota)).toContain("GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
  });

  it("resolves an alias to the entry of the route's protocol", async () => {
    simulator.setScenario({
      faults: [{ match: { model: "busy" }, fault: { kind: "http-error", error: "overloaded" } }],
    });
    try {
      const openAiError = await caught(
        openAiClient(simulator).chat.completions.create({ model: "busy", messages: [user("hi")] }),
      );
      const anthropicError = await caught(
        anthropicClient(simulator).messages.create({ model: "busy", max_tokens: 8, messages: [user("hi")] }),
      );
      const geminiError = await caught(
        geminiClient(simulator).models.generateContent({ model: "busy", contents: "hi" }),
      );
      expect((openAiError as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect(anthropicError).toBeInstanceOf(Anthropic.OverloadedError);
      expect((geminiError as ApiError).status).toBe(503);
      expect(
        simulator
          .log()
          .slice(-3)
          .map((entry) => entry.outcome),
      ).toEqual([
        "http-error:openai.service_unavailable_503",
        "http-error:anthropic.overloaded_error",
        "http-error:gemini.unavailable",
      ]);
    } finally {
      simulator.setScenario({
        faults: entries.map((entry) => ({
          match: { model: entry.id },
          fault: { kind: "http-error", error: entry.id, resetInMs },
        })),
      });
    }
  });
});

describe("errors a real provider raises on its own", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ scenario: await loadScenarioFile("examples/scenarios/healthy.json") });
  });
  afterAll(() => simulator.close());

  it("answers a prompt longer than the model's context window with each provider's overflow error", async () => {
    const long = "x".repeat(100);
    const openAiError = await caught(
      openAiClient(simulator).chat.completions.create({ model: "small-context", messages: [user(long)] }),
    );
    expect((openAiError as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
    const anthropicError = await caught(
      anthropicClient(simulator).messages.create({
        model: "small-context",
        max_tokens: 8,
        messages: [user(long)],
      }),
    );
    expect((anthropicError as InstanceType<typeof Anthropic.BadRequestError>).apiMessage).toMatch(
      /^prompt is too long/,
    );
    const geminiError = await caught(
      geminiClient(simulator).models.generateContent({ model: "small-context", contents: long }),
    );
    expect((geminiError as ApiError).message).toContain("exceeds the maximum number of tokens");
    const short = await openAiClient(simulator).chat.completions.create({
      model: "small-context",
      messages: [user("hi")],
    });
    expect(short.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers an unreadable body with the provider's 400 and logs it as an invalid request", async () => {
    const response = await fetch(`${simulator.baseUrl("openai", "openai-chat")}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${openAiKey}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(simulator.log().at(-1)).toMatchObject({ outcome: "invalid-request", status: 400 });
  });
});
