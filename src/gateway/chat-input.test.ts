import { describe, expect, it } from "vitest";
import { toTurnInput } from "./chat-input.ts";
import { parseChatRequest } from "./chat-request.ts";
import { GatewayError } from "./gateway-error.ts";

function input(body: Record<string, unknown>) {
  return toTurnInput(parseChatRequest({ model: "baton", ...body }));
}

function refusal(body: Record<string, unknown>): GatewayError {
  try {
    input(body);
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

const weatherCall = {
  role: "assistant",
  content: null,
  tool_calls: [
    { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
  ],
};

describe("OpenAI messages to a turn", () => {
  it("takes system and developer messages as the system prompt and the last user message as the input", () => {
    const mapped = input({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "developer", content: [{ type: "text", text: "No emoji." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "What is " },
            { type: "text", text: "Baton?" },
          ],
        },
      ],
    });
    expect(mapped.system).toBe("Be brief.\n\nNo emoji.");
    expect(mapped.message).toBe("What is Baton?");
    expect(mapped.toolResults).toEqual([]);
    expect(mapped.history).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: [{ type: "text", text: "Hello." }] },
    ]);
  });

  it("continues from the tool results after the last assistant message, naming their tools", () => {
    const mapped = input({
      messages: [
        { role: "user", content: "Weather in Paris?" },
        weatherCall,
        { role: "tool", tool_call_id: "call_1", content: "18C" },
      ],
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
      max_tokens: 64,
    });
    expect(mapped.message).toBeUndefined();
    expect(mapped.toolResults).toEqual([
      { role: "tool", toolCallId: "call_1", toolName: "weather", output: "18C" },
    ]);
    expect(mapped.history.at(-1)).toEqual({
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: { city: "Paris" } }],
    });
    expect(mapped.toolDefinitions).toEqual([{ name: "weather", inputSchema: { type: "object" } }]);
    expect(mapped.maxOutputTokens).toBe(64);
  });

  it("offers no tools with tool_choice none, and refuses choices it cannot honour", () => {
    const tools = [{ type: "function", function: { name: "weather" } }];
    const messages = [{ role: "user", content: "Hi" }];
    expect(input({ messages, tools, tool_choice: "none" }).toolDefinitions).toEqual([]);
    expect(refusal({ messages, tools, tool_choice: "required" })).toMatchObject({
      status: 400,
      param: "tool_choice",
    });
  });

  it("names the message and the field when the conversation cannot be mapped", () => {
    expect(
      refusal({
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hel" },
        ],
      }),
    ).toMatchObject({
      param: "messages[1].role",
      message: expect.stringMatching(/the last message must be a user message or tool results/),
    });
    expect(refusal({ messages: [{ role: "tool", tool_call_id: "call_9", content: "x" }] })).toMatchObject({
      param: "messages[0].tool_call_id",
    });
    expect(
      refusal({
        messages: [
          {
            ...weatherCall,
            tool_calls: [{ ...weatherCall.tool_calls[0], function: { name: "weather", arguments: "{city" } }],
          },
        ],
      }),
    ).toMatchObject({ param: "messages[0].tool_calls[0].function.arguments" });
    expect(
      refusal({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }),
    ).toMatchObject({ param: "messages[0].content[0].type" });
  });
});

describe("request validation", () => {
  it("says which field is missing or wrong", () => {
    expect(() => parseChatRequest({ messages: [] })).toThrow(
      /model: Invalid input: expected string \(missing\)/,
    );
    expect(() => parseChatRequest({ model: "baton", messages: [{ role: "user", content: 3 }] })).toThrow(
      /messages\[0\]\.content: expected string or array/,
    );
    expect(() =>
      parseChatRequest({ model: "baton", messages: [{ role: "user", content: "x" }], n: 2 }),
    ).toThrow(/n: Invalid input: expected 1/);
    expect(() => parseChatRequest([])).toThrow(/must be a JSON object/);
  });
});
