// The gateway as an OpenAI client sees it: answers streamed and not, a fallback visible in
// `model` and the headers, usage of the answering model only, tool calls the client executes,
// a turn persisted with x-baton-session, the model list, health and metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { type GatewayFixture, gatewayToken, readStream, startGatewayFixture } from "./harness.ts";

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({
    chains: {
      default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
      healthy: ["deepseek/deepseek-v4-pro"],
    },
    providers: ["mistral"],
    scenario: {
      reply: { toolCall: { name: "weather", arguments: { city: "Paris" } } },
      // OpenAI's plan quota is spent: every request to it gets the provider-wide 429.
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.usage_limit_reached" } },
      ],
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

const hello = [{ role: "user" as const, content: "What does Baton do?" }];

describe("chat completions through the gateway", () => {
  it("answers a non-streaming request from the fallback, and says so in model, usage and headers", async () => {
    const { data, response } = await fixture.client.chat.completions
      .create({ model: "baton/default", messages: hello })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(canonicalReplyText);
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.model).toBe("deepseek/deepseek-v4-pro");
    expect(response.headers.get("x-baton-served-provider")).toBe("deepseek");
    expect(response.headers.get("x-baton-served-model")).toBe("deepseek-v4-pro");
    // Usage is the answering model's: the simulator bills one token per word it streamed.
    const words = canonicalReplyText.split(" ").length;
    expect(data.usage?.completion_tokens).toBe(words);
    const deepseek = fixture.simulator.log().filter((entry) => entry.provider === "deepseek");
    expect(deepseek.at(-1)?.outcome).toBe("ok");
  });

  it("streams an answer whole, ending with the fallback's model and its usage", async () => {
    const stream = await fixture.client.chat.completions.create({
      model: "baton/default",
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const read = await readStream(stream);
    expect(read.error).toBeUndefined();
    expect(read.text).toBe(canonicalReplyText);
    expect(read.finishReason).toBe("stop");
    expect(read.models).toEqual(["deepseek/deepseek-v4-pro"]);
    expect(read.usage).toMatchObject({ completion_tokens: canonicalReplyText.split(" ").length });
  });

  it("takes a direct provider/model with fallbacks from the body, and counts the attempts", async () => {
    fixture.simulator.reset();
    // `fallbacks` is Baton's extension of the request body.
    const body = { model: "openai/gpt-5.4-mini", messages: hello, fallbacks: ["mistral/mistral-large"] };
    const { data, response } = await fixture.client.chat.completions.create(body).withResponse();
    expect(data.model).toBe("mistral/mistral-large");
    expect(data.choices[0]?.message.content).toBe(canonicalReplyText);
    // OpenAI's credential is cooling after the quota 429 of the earlier tests: it gets no request.
    expect(fixture.simulator.log().map((entry) => entry.provider)).toEqual(["mistral"]);
    expect(response.headers.get("x-baton-attempts")).toBe("1");
  });

  it("adds the x-baton-chain header's chain after the model", async () => {
    const { data } = await fixture.client.chat.completions
      .create({ model: "openai/gpt-5.5", messages: hello }, { headers: { "x-baton-chain": "healthy" } })
      .withResponse();
    expect(data.model).toBe("deepseek/deepseek-v4-pro");
  });

  it("returns tool calls for the client to execute, then answers from its tool results", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "weather",
          description: "Current weather in a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const messages = [{ role: "user" as const, content: "What is the weather in Paris?" }];
    const first = await fixture.client.chat.completions.create({ model: "baton/healthy", messages, tools });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function : undefined).toEqual({
      name: "weather",
      arguments: JSON.stringify({ city: "Paris" }),
    });

    const streamed = await readStream(
      await fixture.client.chat.completions.create({ model: "baton/healthy", messages, tools, stream: true }),
    );
    expect(streamed.finishReason).toBe("tool_calls");

    const second = await fixture.client.chat.completions.create({
      model: "baton/healthy",
      tools,
      messages: [
        ...messages,
        choice?.message as never,
        { role: "tool", tool_call_id: call?.id ?? "", content: "18C and sunny in Paris" },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content).toBe(canonicalReplyText);
    // The model got the tool result: the simulator answers with text only after one.
    const last = fixture.simulator.log().at(-1);
    expect(last?.promptChars).toBeGreaterThanOrEqual("18C and sunny in Paris".length);
  });

  it("persists the turn to a session with x-baton-session", async () => {
    await fixture.client.chat.completions.create(
      { model: "baton/healthy", messages: [{ role: "system", content: "Be brief." }, ...hello] },
      { headers: { "x-baton-session": "gateway-session" } },
    );
    await fixture.client.chat.completions.create(
      { model: "baton/healthy", messages: [{ role: "user", content: "And then?" }] },
      { headers: { "x-baton-session": "gateway-session" } },
    );
    const session = await fixture.baton.store.open("gateway-session");
    const messages = session
      .context()
      .entries.flatMap((entry) => (entry.type === "message" ? [entry.message] : []));
    await session.close();
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[0]).toMatchObject({ role: "user", content: "What does Baton do?" });
    expect(messages[2]).toMatchObject({ role: "user", content: "And then?" });
  });

  it("lists the chains and models it serves", async () => {
    const ids: string[] = [];
    for await (const model of fixture.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "baton/default",
        "baton/healthy",
        "openai/gpt-5.5",
        "deepseek/deepseek-v4-pro",
      ]),
    );
  });

  it("reports health without auth, and metrics with it", async () => {
    const health = await fetch(`${fixture.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", inFlight: 0 });
    expect((await fetch(`${fixture.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${fixture.url}/metrics`, {
      headers: { authorization: `Bearer ${gatewayToken}` },
    });
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(
      /^baton_attempts_total\{provider="openai",model="gpt-5\.5",outcome="failed",reason="quota_exhausted",scope="credential"\} 1$/m,
    );
    expect(text).toMatch(
      /^baton_failovers_total\{reason="quota_exhausted",scope="credential",action="next-candidate"\} 1$/m,
    );
    expect(text).toMatch(/^baton_cooldowns_active\{kind="credential",reason="quota_exhausted"\} 1$/m);
    expect(text).toMatch(
      /^baton_gateway_request_duration_seconds_bucket\{route="\/v1\/chat\/completions",stream="true",le="\+Inf"\} \d+$/m,
    );
    expect(text).toMatch(
      /^baton_candidates_skipped_total\{provider="openai",model="gpt-5\.4-mini",why="cooling"\} 1$/m,
    );
  });
});
