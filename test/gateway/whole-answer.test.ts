// Non-streaming requests through the gateway when no per-attempt timer is configured: each
// attempt asks its provider for the answer non-streamed, and the official `openai` client still
// gets the right answer, the fallback when the primary fails, the tool calls to run, and errors
// in OpenAI's shape. With the default timers the gateway keeps streaming from the provider.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./harness.ts";

const hello = [{ role: "user" as const, content: "What does Baton do?" }];

describe("with no timers configured", () => {
  let fixture: GatewayFixture;
  beforeAll(async () => {
    fixture = await startGatewayFixture({
      chains: {
        default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
        healthy: ["deepseek/deepseek-v4-pro"],
        broken: ["mistral/mistral-large"],
      },
      policy: { timers: {} },
      scenario: {
        faults: [
          {
            match: { provider: "openai" },
            fault: { kind: "http-error", error: "openai.usage_limit_reached" },
          },
          { match: { provider: "mistral" }, fault: { kind: "cut-after", tokens: 3, connection: "close" } },
        ],
      },
    });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("answers from the healthy model, asked non-streamed", async () => {
    fixture.simulator.reset();
    const { data, response } = await fixture.client.chat.completions
      .create({ model: "baton/healthy", messages: hello })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(canonicalReplyText);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.model).toBe("deepseek/deepseek-v4-pro");
    expect(data.usage?.completion_tokens).toBe(canonicalReplyText.split(" ").length);
    expect(response.headers.get("x-baton-attempts")).toBe("1");
    expect(fixture.simulator.log().map((entry) => entry.stream)).toEqual([false]);
  });

  it("fails over from a quota 429 to the fallback, one request each", async () => {
    fixture.simulator.reset();
    const { data, response } = await fixture.client.chat.completions
      .create({ model: "baton/default", messages: hello })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(canonicalReplyText);
    expect(data.model).toBe("deepseek/deepseek-v4-pro");
    expect(response.headers.get("x-baton-served-provider")).toBe("deepseek");
    const log = fixture.simulator.log();
    expect(log.map((entry) => [entry.provider, entry.stream])).toEqual([
      ["openai", false],
      ["deepseek", false],
    ]);
  });

  it("a body cut midway is never an answer: the client gets a truncated-stream error", async () => {
    fixture.simulator.reset();
    const error = await fixture.client.chat.completions
      .create({ model: "baton/broken", messages: hello })
      .then(() => undefined)
      .catch((caught: unknown) => caught as { status?: number; error?: { baton?: { reason?: string } } });
    expect(error?.status).toBeGreaterThanOrEqual(500);
    expect(error?.error?.baton?.reason).toBe("truncated_stream");
  });

  it("returns the model's tool calls for the client to run", async () => {
    fixture.simulator.reset();
    fixture.simulator.setScenario({ reply: { toolCall: { name: "weather", arguments: { city: "Paris" } } } });
    const data = await fixture.client.chat.completions.create({
      model: "baton/healthy",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
    });
    expect(data.choices[0]?.finish_reason).toBe("tool_calls");
    const call = data.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : undefined).toBe("weather");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      city: "Paris",
    });
    expect(fixture.simulator.log().map((entry) => entry.stream)).toEqual([false]);
  });

  it("streaming requests still stream from the provider", async () => {
    fixture.simulator.reset();
    const stream = await fixture.client.chat.completions.create({
      model: "baton/healthy",
      messages: hello,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(canonicalReplyText);
    expect(fixture.simulator.log().map((entry) => entry.stream)).toEqual([true]);
  });
});

describe("with the default timers", () => {
  let fixture: GatewayFixture;
  beforeAll(async () => {
    fixture = await startGatewayFixture({ chains: { default: ["deepseek/deepseek-v4-pro"] } });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("a non-streaming request streams from the provider, so the timers keep watching it", async () => {
    const data = await fixture.client.chat.completions.create({ model: "baton/default", messages: hello });
    expect(data.choices[0]?.message.content).toBe(canonicalReplyText);
    expect(fixture.simulator.log().map((entry) => entry.stream)).toEqual([true]);
  });
});
