// Anthropic Messages as the official `@anthropic-ai/sdk` client sees it: plain and streamed
// answers, the event sequence, thinking blocks with signatures (and the 400 for a signature
// the provider did not issue), tool_use and the answer after a tool_result, the mid-stream
// `event: error`, the missing-key error and the model listing.
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  canonicalThinkingText,
  type Simulator,
  startSimulator,
} from "../../src/simulator/index.ts";
import { anthropicClient, anthropicKey, caught, rawPost, user } from "./support.ts";

const searchTool = {
  name: "search",
  description: "Search",
  input_schema: { type: "object" as const, properties: {} },
};

describe("Anthropic Messages", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        models: { "claude-tools": { toolCall: { arguments: { query: "baton" } } } },
        faults: [
          {
            match: { model: "claude-overloaded" },
            fault: { kind: "stream-error", afterTokens: 3, error: "overloaded" },
          },
        ],
      },
    });
  });
  afterAll(() => simulator.close());

  it("answers with one text block, end_turn and usage", async () => {
    const message = await anthropicClient(simulator).messages.create({
      model: "claude-sim",
      max_tokens: 1024,
      system: "Be brief.",
      messages: [user("Hello")],
    });
    expect(message.content).toEqual([{ type: "text", text: canonicalReplyText }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBe(Math.ceil("Be brief.Hello".length / 4));
    expect(message.usage.output_tokens).toBe(canonicalReplyText.split(" ").length);
  });

  it("streams message_start, content blocks, message_delta and message_stop", async () => {
    const stream = anthropicClient(simulator).messages.stream({
      model: "claude-sim",
      max_tokens: 1024,
      messages: [user("Hi")],
    });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const text = await stream.finalText();
    expect(text).toBe(canonicalReplyText);
    expect(types.slice(0, 2)).toEqual(["message_start", "content_block_start"]);
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect((await stream.finalMessage()).stop_reason).toBe("end_turn");
  });

  it("puts a signed thinking block first when thinking is enabled, and accepts it back", async () => {
    const client = anthropicClient(simulator);
    const request = {
      model: "claude-sim",
      max_tokens: 2048,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [user("Think first")],
    };
    const message = await client.messages.create(request);
    const thinking = message.content[0];
    expect(thinking?.type === "thinking" ? thinking.thinking : undefined).toBe(canonicalThinkingText);
    expect(thinking?.type === "thinking" ? thinking.signature.length : 0).toBeGreaterThan(20);
    expect(message.content[1]).toEqual({ type: "text", text: canonicalReplyText });

    const streamed = await client.messages.stream(request).finalMessage();
    expect(streamed.content).toEqual(message.content);

    const followUp = await client.messages.create({
      ...request,
      messages: [user("Think first"), { role: "assistant", content: message.content }, user("And again")],
    });
    expect(followUp.content.at(-1)).toEqual({ type: "text", text: canonicalReplyText });
  });

  it("rejects a replayed thinking block with a signature it did not issue", async () => {
    const error = await caught(
      anthropicClient(simulator).messages.create({
        model: "claude-sim",
        max_tokens: 2048,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [
          user("Think first"),
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "from another model", signature: "forged" },
              { type: "text", text: "hi" },
            ],
          },
          user("And again"),
        ],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).apiMessage).toBe(
      "messages.1.content.0: Invalid `signature` in `thinking` block",
    );
  });

  it("calls a tool with tool_use, streamed and not, and answers after the tool_result", async () => {
    const client = anthropicClient(simulator);
    const message = await client.messages.create({
      model: "claude-tools",
      max_tokens: 1024,
      tools: [searchTool],
      messages: [user("Find")],
    });
    expect(message.stop_reason).toBe("tool_use");
    const toolUse = message.content[0];
    expect(toolUse).toMatchObject({ type: "tool_use", name: "search", input: { query: "baton" } });

    const streamed = await client.messages
      .stream({ model: "claude-tools", max_tokens: 1024, tools: [searchTool], messages: [user("Find")] })
      .finalMessage();
    expect(streamed.content).toEqual(message.content);

    const answer = await client.messages.create({
      model: "claude-tools",
      max_tokens: 1024,
      tools: [searchTool],
      messages: [
        user("Find"),
        { role: "assistant", content: message.content },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: toolUse?.type === "tool_use" ? toolUse.id : "",
              content: "found",
            },
          ],
        },
      ],
    });
    expect(answer.content).toEqual([{ type: "text", text: canonicalReplyText }]);
  });

  it("raises a mid-stream overloaded_error event after the first tokens", async () => {
    const stream = anthropicClient(simulator).messages.stream({
      model: "claude-overloaded",
      max_tokens: 1024,
      messages: [user("Hi")],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const error = await caught(stream.finalMessage());
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
    expect(text).toBe("Baton simulator reply:");
  });

  it("answers 401 authentication_error when x-api-key is missing", async () => {
    const raw = await rawPost(`${simulator.baseUrl("anthropic", "anthropic-messages")}/messages`, {
      model: "claude-sim",
      max_tokens: 10,
      messages: [user("hi")],
    });
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.text)).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(raw.headers.get("request-id")).toMatch(/^req_/);
  });

  it("answers 400 when max_tokens is missing, as the API does", async () => {
    const raw = await rawPost(
      `${simulator.baseUrl("anthropic", "anthropic-messages")}/messages`,
      { model: "claude-sim", messages: [user("hi")] },
      { "x-api-key": anthropicKey, "anthropic-version": "2023-06-01" },
    );
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.text).error).toEqual({
      type: "invalid_request_error",
      message: "max_tokens: Field required",
    });
  });

  it("lists models in Anthropic's shape at GET /v1/models", async () => {
    const page = await anthropicClient(simulator).models.list();
    expect(page.data.map((model) => model.id)).toEqual(["claude-overloaded", "claude-tools"]);
    expect(page.data[0]?.type).toBe("model");
  });
});
