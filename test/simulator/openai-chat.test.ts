// OpenAI Chat Completions as the official `openai` client sees it: plain and streamed answers
// that are byte-identical to the canonical reply, the usage chunk and [DONE], tool calls and
// the text answer after a tool result, the 400s for tool messages that answer nothing and
// tool calls left unanswered, echo mode, and the model listing.
import { BadRequestError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { caught, openAiClient, openAiKey, rawPost, sseData, user } from "./support.ts";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

describe("OpenAI Chat Completions", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        models: {
          "echo-model": { echo: true },
          "tool-model": { toolCall: { name: "get_weather", arguments: { city: "Paris" } } },
          "openai/gpt-short": { text: "Short answer." },
        },
      },
    });
  });
  afterAll(() => simulator.close());

  it("answers a plain request with the canonical text, usage and ids", async () => {
    const completion = await openAiClient(simulator).chat.completions.create({
      model: "gpt-sim",
      messages: [user("Hello there")],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-sim");
    expect(completion.choices[0]?.message.content).toBe(canonicalReplyText);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.prompt_tokens).toBe(Math.ceil("Hello there".length / 4));
    expect(completion.usage?.completion_tokens).toBe(canonicalReplyText.split(" ").length);
  });

  it("streams the same text word by word, then the usage chunk, then [DONE]", async () => {
    const stream = await openAiClient(simulator).chat.completions.create({
      model: "gpt-sim",
      messages: [user("Hello")],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usageTokens: number | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usageTokens = chunk.usage.completion_tokens;
    }
    expect(deltas.join("")).toBe(canonicalReplyText);
    expect(deltas.length).toBe(canonicalReplyText.split(" ").length);
    expect(finish).toBe("stop");
    expect(usageTokens).toBe(deltas.length);

    const raw = await rawPost(
      `${simulator.baseUrl("openai", "openai-chat")}/chat/completions`,
      { model: "gpt-sim", messages: [user("Hello")], stream: true, stream_options: { include_usage: true } },
      { authorization: `Bearer ${openAiKey}` },
    );
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    const data = sseData(raw.text);
    expect(data.at(-1)).toBe("[DONE]");
    expect(JSON.parse(data.at(-2) as string)).toMatchObject({
      choices: [],
      usage: { completion_tokens: deltas.length },
    });
  });

  it("sends no usage chunk when include_usage is not set", async () => {
    const raw = await rawPost(
      `${simulator.baseUrl("openai", "openai-chat")}/chat/completions`,
      { model: "gpt-sim", messages: [user("Hello")], stream: true },
      { authorization: `Bearer ${openAiKey}` },
    );
    const data = sseData(raw.text);
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.slice(0, -1).some((line) => "usage" in JSON.parse(line))).toBe(false);
  });

  it("calls the offered tool, streamed and not, and answers with text after the tool result", async () => {
    const client = openAiClient(simulator);
    const call = await client.chat.completions.create({
      model: "tool-model",
      messages: [user("Weather?")],
      tools: [weatherTool],
    });
    const toolCall = call.choices[0]?.message.tool_calls?.[0];
    expect(call.choices[0]?.finish_reason).toBe("tool_calls");
    expect(toolCall?.type === "function" ? toolCall.function : undefined).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });

    const stream = await client.chat.completions.create({
      model: "tool-model",
      messages: [user("Weather?")],
      tools: [weatherTool],
      stream: true,
    });
    let streamedArguments = "";
    let streamedName: string | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      streamedName ??= delta?.function?.name;
      streamedArguments += delta?.function?.arguments ?? "";
    }
    expect(streamedName).toBe("get_weather");
    expect(JSON.parse(streamedArguments)).toEqual({ city: "Paris" });

    const answer = await client.chat.completions.create({
      model: "tool-model",
      tools: [weatherTool],
      messages: [
        user("Weather?"),
        { role: "assistant", content: null, tool_calls: toolCall === undefined ? [] : [toolCall] },
        { role: "tool", tool_call_id: toolCall?.id ?? "", content: "Sunny, 21 C" },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe(canonicalReplyText);
  });

  it("refuses tool messages that answer no tool call, and tool calls left unanswered", async () => {
    const client = openAiClient(simulator);
    const call = {
      id: "call_1",
      type: "function" as const,
      function: { name: "get_weather", arguments: "{}" },
    };
    const orphan = await caught(
      client.chat.completions.create({
        model: "tool-model",
        messages: [user("Weather?"), { role: "tool", tool_call_id: "call_1", content: "Sunny" }],
      }),
    );
    expect(orphan).toBeInstanceOf(BadRequestError);
    expect((orphan as BadRequestError).error).toEqual({
      message:
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      type: "invalid_request_error",
      param: "messages.[1].role",
      code: null,
    });
    const unanswered = await caught(
      client.chat.completions.create({
        model: "tool-model",
        messages: [user("Weather?"), { role: "assistant", content: null, tool_calls: [call] }, user("Well?")],
      }),
    );
    expect((unanswered as BadRequestError).param).toBe("messages.[1].role");
    expect((unanswered as BadRequestError).message).toContain(
      "The following tool_call_ids did not have response messages: call_1",
    );
    expect(simulator.log().at(-1)).toMatchObject({
      status: 400,
      outcome: "rejected:tool-call-without-result",
    });
  });

  it("defaults the tool name to the first offered tool", async () => {
    const call = await openAiClient(simulator).chat.completions.create({
      model: "gpt-sim",
      messages: [user("Weather?")],
      tools: [weatherTool],
    });
    const toolCall = call.choices[0]?.message.tool_calls?.[0];
    expect(toolCall?.type === "function" ? toolCall.function.name : undefined).toBe("get_weather");
  });

  it("echoes the last user message, and per-provider model overrides win", async () => {
    const client = openAiClient(simulator);
    const echo = await client.chat.completions.create({
      model: "echo-model",
      messages: [user("first"), { role: "assistant", content: "ok" }, user("repeat exactly this, please")],
    });
    expect(echo.choices[0]?.message.content).toBe("repeat exactly this, please");
    const short = await client.chat.completions.create({ model: "gpt-short", messages: [user("hi")] });
    expect(short.choices[0]?.message.content).toBe("Short answer.");
    const other = await openAiClient(simulator, "deepseek").chat.completions.create({
      model: "gpt-short",
      messages: [user("hi")],
    });
    expect(other.choices[0]?.message.content).toBe(canonicalReplyText);
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const completion = await openAiClient(simulator).chat.completions.create({
      model: "gpt-sim",
      messages: [user("hi")],
      max_completion_tokens: 3,
    });
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.choices[0]?.message.content).toBe("Baton simulator reply:");
  });

  it("lists the scenario's models at GET /v1/models", async () => {
    const page = await openAiClient(simulator).models.list();
    expect(page.data.map((model) => model.id)).toEqual(["echo-model", "gpt-short", "tool-model"]);
    expect(page.data[0]).toMatchObject({ object: "model", owned_by: "openai" });
  });

  it("serves provider 'default' when the path has no provider segment", async () => {
    const raw = await rawPost(
      `${simulator.url}/v1/chat/completions`,
      { model: "gpt-sim", messages: [user("hi")] },
      { authorization: `Bearer ${openAiKey}` },
    );
    expect(JSON.parse(raw.text).choices[0].message.content).toBe(canonicalReplyText);
    expect(simulator.log().at(-1)).toMatchObject({ provider: "default", api: "openai-chat", outcome: "ok" });
  });
});
