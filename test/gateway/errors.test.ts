// Every error the gateway sends parses as the official client's APIError with the right
// status, in OpenAI's shape, with Baton's reason and scope in `error.baton`: auth, malformed
// JSON, schema errors naming the field, the body limit, unknown models and routes, and turns
// that fail for provider reasons (quota, refusal, outage, silence).
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayFixture, gatewayToken, startGatewayFixture } from "./harness.ts";

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({
    chains: {
      default: ["deepseek/deepseek-v4-pro"],
      quota: ["openai/gpt-5.5", "openai/gpt-5.4-mini"],
      refused: ["strict/model-a", "deepseek/deepseek-v4-pro"],
      outage: ["broken/model-a", "broken/model-b"],
      silent: ["silent/model-a"],
    },
    models: { silent: { "model-a": { timers: { connectMs: 200 } } } },
    bodyLimit: 4096,
    scenario: {
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.usage_limit_reached" } },
        { match: { provider: "strict" }, fault: { kind: "http-error", error: "openai.content_policy" } },
        { match: { provider: "broken" }, fault: { kind: "http-error", error: "openai.server_error_500" } },
        { match: { provider: "silent" }, fault: { kind: "never-answer" } },
      ],
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

const messages = [{ role: "user" as const, content: "hello" }];

/** The APIError a call rejects with (fails the test if it resolves). */
async function apiError(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

function clientWith(options: ConstructorParameters<typeof OpenAI>[0]): OpenAI {
  return new OpenAI({ apiKey: gatewayToken, baseURL: `${fixture.url}/v1`, maxRetries: 0, ...options });
}

describe("errors through the gateway", () => {
  it("refuses a wrong or missing bearer token with 401", async () => {
    const wrong = await apiError(
      clientWith({ apiKey: "not-the-token" }).chat.completions.create({ model: "baton", messages }),
    );
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.code).toBe("invalid_api_key");
    const missing = await fetch(`${fixture.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      error: { type: "authentication_error", code: "missing_api_key", param: null },
    });
  });

  it("says what is wrong with malformed JSON", async () => {
    const broken = clientWith({
      fetch: (url, init) => fetch(url, { ...init, body: '{"model": "baton", "messages": [' }),
    });
    const error = await apiError(broken.chat.completions.create({ model: "baton", messages }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe("invalid_json");
    expect(error.message).toMatch(/not valid JSON/);
  });

  it("names the field and the expected value on a schema error", async () => {
    const role = await apiError(
      fixture.client.chat.completions.create({
        model: "baton",
        messages: [{ role: "robot", content: "hi" }] as never,
      }),
    );
    expect(role.status).toBe(400);
    expect(role.param).toBe("messages[0].role");
    expect(role.message).toMatch(/messages\[0\]\.role: .*"user"/);

    const unknown = await apiError(
      fixture.client.chat.completions.create({ model: "baton", messages, temprature: 0.2 } as never),
    );
    expect(unknown.param).toBe("temprature");
    expect(unknown.message).toMatch(/temprature: unknown field/);

    const image = await apiError(
      fixture.client.chat.completions.create({
        model: "baton",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }],
      }),
    );
    expect(image.param).toBe("messages[0].content[0].type");
    expect(image.message).toMatch(/only "text" content parts/);

    const header = await apiError(
      fixture.client.chat.completions.create(
        { model: "baton", messages, stream: true },
        { headers: { "x-baton-stream-commit": "later" } },
      ),
    );
    expect(header.param).toBe("x-baton-stream-commit");
    expect(header.message).toMatch(/expected "forward" or "hold"/);
  });

  it("refuses a body over the limit with 413", async () => {
    const error = await apiError(
      fixture.client.chat.completions.create({
        model: "baton",
        messages: [{ role: "user", content: "x".repeat(8000) }],
      }),
    );
    expect(error.status).toBe(413);
    expect(error.code).toBe("request_too_large");
  });

  it("answers an unknown model or route with 404", async () => {
    const model = await apiError(
      fixture.client.chat.completions.create({ model: "baton/defualt", messages }),
    );
    expect(model).toBeInstanceOf(OpenAI.NotFoundError);
    expect(model.code).toBe("model_not_found");
    expect(model.message).toMatch(/no chain named 'defualt' \(did you mean 'default'\?\)/);
    const route = await apiError(fixture.client.get("/embeddings"));
    expect(route).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("answers a provider-wide quota with 429, the reason and scope, and when to come back", async () => {
    const { response } = await fixture.client.chat.completions
      .create({ model: "baton/quota", messages })
      .withResponse()
      .then(
        () => ({ response: undefined }),
        (error: unknown) => ({ response: error }),
      );
    const error = response as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.error).toMatchObject({
      code: "insufficient_quota",
      baton: { reason: "quota_exhausted", scope: "credential", attempts: 1 },
    });
    // The second model of the exhausted provider got no request.
    expect(fixture.simulator.log().filter((entry) => entry.provider === "openai")).toHaveLength(1);
    // Now every candidate is cooling: refused at once, with Retry-After.
    const again = await apiError(fixture.client.chat.completions.create({ model: "baton/quota", messages }));
    expect(again.status).toBe(429);
    expect(Number(again.headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(fixture.simulator.log().filter((entry) => entry.provider === "openai")).toHaveLength(1);
  });

  it("passes a content policy refusal on as 400 without trying the fallback", async () => {
    const error = await apiError(
      fixture.client.chat.completions.create({ model: "baton/refused", messages }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ baton: { reason: "content_policy", scope: "request" } });
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(fixture.simulator.log().some((entry) => entry.provider === "deepseek")).toBe(false);
  });

  it("answers an outage of every candidate with 502, and silence with 504", async () => {
    const outage = await apiError(
      fixture.client.chat.completions.create({ model: "baton/outage", messages }),
    );
    expect(outage.status).toBe(502);
    expect(outage.error).toMatchObject({ baton: { reason: "server_error", scope: "attempt" } });
    const silent = await apiError(
      fixture.client.chat.completions.create({ model: "baton/silent", messages, stream: true }),
    );
    expect(silent.status).toBe(504);
    expect(silent.error).toMatchObject({ baton: { reason: "timeout" } });
  });
});
