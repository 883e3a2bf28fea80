import { describe, expect, it } from "vitest";
import { parseRequest } from "./request-parsing.ts";

describe("request parsing", () => {
  it("treats an Anthropic user message of tool results as a tool result, not the user speaking", () => {
    const parsed = parseRequest("anthropic-messages", {
      model: "claude",
      max_tokens: 10,
      tools: [{ name: "search", input_schema: {} }],
      messages: [
        { role: "user", content: "find it" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "search", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "found" }] },
      ],
    });
    expect(parsed).toMatchObject({
      ok: true,
      request: {
        lastUserText: "find it",
        toolResultAfterLastUser: true,
        endsWithAssistant: false,
        toolNames: ["search"],
      },
    });
  });

  it("counts prompt characters over system, messages and tool results", () => {
    const parsed = parseRequest("openai-chat", {
      model: "gpt",
      messages: [
        { role: "system", content: "abc" },
        { role: "user", content: [{ type: "text", text: "de" }] },
        { role: "tool", tool_call_id: "x", content: "fgh" },
      ],
    });
    expect(parsed.ok && parsed.request.promptChars).toBe(8);
  });

  it("sees a prefill in each protocol, but not a trailing tool call", () => {
    const chat = parseRequest("openai-chat", {
      model: "m",
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
      ],
    });
    const responses = parseRequest("openai-responses", {
      model: "m",
      input: [{ type: "function_call", call_id: "c", name: "f", arguments: "{}" }],
    });
    const gemini = parseRequest(
      "google-gemini",
      { contents: [{ role: "model", parts: [{ text: "b" }] }] },
      { model: "g" },
    );
    expect([chat, responses, gemini].map((result) => result.ok && result.request.endsWithAssistant)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("sees Gemini thinking from thinkingConfig, hidden unless includeThoughts", () => {
    const gemini = (generationConfig: unknown) =>
      parseRequest("google-gemini", { contents: [], generationConfig }, { model: "g" });
    expect(gemini({ thinkingConfig: { thinkingBudget: 1024 } })).toMatchObject({
      ok: true,
      request: { thinkingRequested: true, thoughtsHidden: true },
    });
    expect(gemini({ thinkingConfig: { includeThoughts: true } })).toMatchObject({
      request: { thinkingRequested: true, thoughtsHidden: false },
    });
    expect(gemini({ thinkingConfig: { thinkingBudget: 0 } })).toMatchObject({
      request: { thinkingRequested: false },
    });
    expect(gemini({})).toMatchObject({ request: { thinkingRequested: false } });
  });

  it("refuses what the provider would refuse, in its words", () => {
    expect(parseRequest("openai-chat", { messages: [] })).toEqual({
      ok: false,
      message: "you must provide a model parameter",
    });
    expect(parseRequest("anthropic-messages", { model: "c", messages: [] })).toEqual({
      ok: false,
      message: "max_tokens: Field required",
    });
    expect(parseRequest("google-gemini", {}, { model: "g" })).toMatchObject({ ok: false });
  });
});
