import { describe, expect, it } from "vitest";
import { functionCallSignature, thinkingSignature } from "./reply-plan.ts";
import { validateRequest } from "./request-validation.ts";

const user = (content: unknown) => ({ role: "user", content });

describe("request validation: Anthropic Messages", () => {
  const toolUse = (id: string) => ({ type: "tool_use", id, name: "search", input: {} });
  const toolResult = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "found" });
  const anthropic = (messages: unknown[]) =>
    validateRequest("anthropic-messages", { model: "c", max_tokens: 10, messages });

  it("accepts a tool exchange with a signed thinking block, merging consecutive user messages", () => {
    const thinking = { type: "thinking", thinking: "hmm", signature: thinkingSignature("hmm") };
    expect(
      anthropic([
        user("find it"),
        { role: "assistant", content: [thinking, toolUse("toolu_1")] },
        user([toolResult("toolu_1")]),
        user("and now?"),
      ]),
    ).toBeUndefined();
    expect(anthropic([user("hi"), { role: "assistant", content: "hello" }, user("again")])).toBeUndefined();
  });

  it("refuses a tool_result that answers no tool_use of the previous message", () => {
    expect(
      anthropic([user("find it"), { role: "assistant", content: "ok" }, user([toolResult("toolu_9")])]),
    ).toEqual({
      reason: "tool-result-without-tool-use",
      error: "anthropic.invalid_request_error",
      message:
        "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    });
  });

  it("refuses a tool_use left unanswered by the next message", () => {
    expect(
      anthropic([user("find it"), { role: "assistant", content: [toolUse("toolu_1")] }, user("never mind")]),
    ).toMatchObject({
      reason: "tool-use-without-tool-result",
      message: expect.stringMatching(
        /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\./,
      ),
    });
  });

  it("refuses a tool_use id outside ^[a-zA-Z0-9_-]+$", () => {
    expect(
      anthropic([
        user("find it"),
        { role: "assistant", content: [toolUse("call:1")] },
        user([toolResult("call:1")]),
      ]),
    ).toMatchObject({
      reason: "invalid-tool-use-id",
      message: "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
    });
  });

  it("refuses a conversation whose first message is the assistant's", () => {
    expect(anthropic([{ role: "assistant", content: "hello" }, user("hi")])).toMatchObject({
      reason: "first-message-not-user",
      message: 'messages: first message must use the "user" role',
    });
  });

  it("refuses a thinking block whose signature it did not issue", () => {
    const forged = { type: "thinking", thinking: "from elsewhere", signature: "forged" };
    expect(
      anthropic([
        user("a"),
        { role: "assistant", content: [{ type: "text", text: "x" }, forged] },
        user("b"),
      ]),
    ).toEqual({
      reason: "invalid-thinking-signature",
      error: "anthropic.invalid_thinking_signature",
      message: "messages.1.content.1: Invalid `signature` in `thinking` block",
    });
  });
});

describe("request validation: OpenAI Chat Completions", () => {
  const call = (id: string) => ({ id, type: "function", function: { name: "f", arguments: "{}" } });
  const chat = (messages: unknown[], provider?: string) =>
    validateRequest("openai-chat", { model: "m", messages }, provider);

  it("accepts tool messages answering every call of the assistant message before them", () => {
    expect(
      chat([
        user("two"),
        { role: "assistant", content: null, tool_calls: [call("a"), call("b")] },
        { role: "tool", tool_call_id: "b", content: "2" },
        { role: "tool", tool_call_id: "a", content: "1" },
        user("thanks"),
      ]),
    ).toBeUndefined();
  });

  it("refuses a tool message that answers no preceding tool call", () => {
    expect(chat([user("hi"), { role: "tool", tool_call_id: "x", content: "1" }])).toEqual({
      reason: "tool-message-without-tool-call",
      error: "openai.invalid_request",
      message:
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      param: "messages.[1].role",
    });
    expect(
      chat([
        user("hi"),
        { role: "assistant", tool_calls: [call("a")] },
        { role: "tool", tool_call_id: "b", content: "1" },
      ]),
    ).toMatchObject({ reason: "tool-message-without-tool-call", param: "messages.[2].role" });
  });

  it("refuses an assistant message whose tool calls are not all answered before the next message", () => {
    expect(
      chat([
        user("two"),
        { role: "assistant", tool_calls: [call("a"), call("b")] },
        { role: "tool", tool_call_id: "a", content: "1" },
        user("next"),
      ]),
    ).toEqual({
      reason: "tool-call-without-result",
      error: "openai.invalid_request",
      message:
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: b",
      param: "messages.[1].role",
    });
  });

  it("holds a provider named mistral to 9-character [a-zA-Z0-9] tool-call ids", () => {
    const messages = [
      user("x"),
      { role: "assistant", tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1" },
    ];
    expect(chat(messages)).toBeUndefined();
    expect(chat(messages, "mistral")).toMatchObject({
      reason: "mistral-tool-call-id",
      message: "Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length of 9.",
    });
    const valid = [
      user("x"),
      { role: "assistant", tool_calls: [call("a1B2c3D4e")] },
      { role: "tool", tool_call_id: "a1B2c3D4e" },
    ];
    expect(chat(valid, "mistral")).toBeUndefined();
  });
});

describe("request validation: OpenAI Responses", () => {
  const responses = (input: unknown) => validateRequest("openai-responses", { model: "m", input });
  const functionCall = (id: string) => ({ type: "function_call", call_id: id, name: "f", arguments: "{}" });
  const output = (id: string) => ({ type: "function_call_output", call_id: id, output: "ok" });

  it("accepts outputs that answer function calls earlier in the input", () => {
    expect(responses([user("x"), functionCall("c1"), output("c1"), user("next")])).toBeUndefined();
    expect(responses("plain text")).toBeUndefined();
  });

  it("refuses a function_call_output with no function_call of its call_id", () => {
    expect(responses([user("x"), output("c9")])).toEqual({
      reason: "function-call-output-without-call",
      error: "openai.invalid_request",
      message: "No tool call found for function call output with call_id c9.",
      param: "input",
    });
  });

  it("refuses a conversation that moves on past an unanswered function_call", () => {
    expect(responses([user("x"), functionCall("c1"), user("next")])).toMatchObject({
      reason: "function-call-without-output",
      message: "No tool output found for function call c1.",
    });
  });
});

describe("request validation: Gemini", () => {
  const gemini = (contents: unknown[]) => validateRequest("google-gemini", { contents });
  const ask = { role: "user", parts: [{ text: "time?" }] };
  const callTurn = (signature?: string) => ({
    role: "model",
    parts: [
      {
        functionCall: { name: "get_time", args: {} },
        ...(signature === undefined ? {} : { thoughtSignature: signature }),
      },
    ],
  });
  const responseTurn = (name = "get_time") => ({
    role: "user",
    parts: [{ functionResponse: { name, response: { time: "12:00" } } }],
  });

  it("accepts a function response after the call, with the signature it issued or Gemini's stand-ins", () => {
    expect(gemini([ask, callTurn(), responseTurn()])).toBeUndefined();
    expect(gemini([ask, callTurn(functionCallSignature("get_time")), responseTurn()])).toBeUndefined();
    expect(gemini([ask, callTurn("skip_thought_signature_validator"), responseTurn()])).toBeUndefined();
  });

  it("refuses a function response with no function call turn before it", () => {
    expect(gemini([ask, { role: "model", parts: [{ text: "sure" }] }, responseTurn()])).toEqual({
      reason: "function-response-without-call",
      error: "gemini.invalid_argument",
      message: "Please ensure that function response turn comes immediately after a function call turn.",
    });
  });

  it("refuses function responses that do not pair with the calls by name", () => {
    expect(gemini([ask, callTurn(), responseTurn("other")])).toMatchObject({
      reason: "function-response-mismatch",
    });
  });

  it("refuses a function call turn that does not follow a user turn", () => {
    expect(gemini([callTurn(), responseTurn()])).toMatchObject({ reason: "function-call-not-after-user" });
  });

  it("refuses a thought signature it did not issue", () => {
    const thought = {
      role: "model",
      parts: [{ text: "hmm", thought: true, thoughtSignature: "c2lnbmF0dXJl" }],
    };
    expect(gemini([ask, thought, ask])).toEqual({
      reason: "corrupted-thought-signature",
      error: "gemini.invalid_argument",
      message: "Corrupted thought signature.",
    });
    expect(gemini([ask, callTurn(functionCallSignature("other")), responseTurn()])).toMatchObject({
      reason: "corrupted-thought-signature",
    });
  });
});
