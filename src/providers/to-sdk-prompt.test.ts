import { describe, expect, it } from "vitest";
import type { ConversationMessage } from "./conversation.ts";
import { resolveEndpoint } from "./provider-endpoint.ts";
import { toolCallIdFor, toSdkPrompt } from "./to-sdk-prompt.ts";

const anthropic = resolveEndpoint({ id: "anthropic" });
const mistral = resolveEndpoint({ id: "mistral" });
const google = resolveEndpoint({ id: "google" });

const fromAnthropic: ConversationMessage[] = [
  { role: "system", content: "be brief" },
  { role: "user", content: "weather in Paris?" },
  {
    role: "assistant",
    origin: { provider: "anthropic", api: "anthropic-messages", model: "claude-x" },
    content: [
      { type: "reasoning", text: "I should call the tool.", signature: "sig-abc" },
      { type: "tool-call", toolCallId: "toolu_01:A", toolName: "weather", input: { city: "Paris" } },
    ],
  },
  { role: "tool", toolCallId: "toolu_01:A", toolName: "weather", output: "18C" },
];

describe("toSdkPrompt", () => {
  it("replays thinking with its signature to the provider that produced it", () => {
    const prompt = toSdkPrompt(anthropic, fromAnthropic);
    const assistant = prompt.find((message) => message.role === "assistant");
    expect(assistant?.content[0]).toEqual({
      type: "reasoning",
      text: "I should call the tool.",
      providerOptions: { anthropic: { signature: "sig-abc" } },
    });
  });

  it("drops another provider's thinking, keeping the tool call and its result paired", () => {
    const prompt = toSdkPrompt(google, fromAnthropic);
    const assistant = prompt.find((message) => message.role === "assistant");
    expect(assistant?.content).toEqual([
      { type: "tool-call", toolCallId: "toolu_01:A", toolName: "weather", input: { city: "Paris" } },
    ]);
    const tool = prompt.find((message) => message.role === "tool");
    expect(tool?.content[0]).toMatchObject({
      toolCallId: "toolu_01:A",
      output: { type: "text", value: "18C" },
    });
  });

  it("rewrites tool-call ids into the target's shape, identically for call and result", () => {
    const prompt = toSdkPrompt(mistral, fromAnthropic);
    const call = prompt.find((message) => message.role === "assistant")?.content[0] as { toolCallId: string };
    const result = prompt.find((message) => message.role === "tool")?.content[0] as { toolCallId: string };
    expect(call.toolCallId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(result.toolCallId).toBe(call.toolCallId);
    expect(toolCallIdFor(anthropic, "call:1/x")).toBe("call_1_x");
  });

  it("keeps a Gemini thought signature on Gemini's own function calls only", () => {
    const fromGoogle: ConversationMessage[] = [
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        origin: { provider: "google", api: "google-gemini", model: "gemini-x" },
        content: [
          { type: "tool-call", toolCallId: "g1", toolName: "weather", input: {}, signature: "thought-sig" },
        ],
      },
      { role: "tool", toolCallId: "g1", toolName: "weather", output: "18C" },
    ];
    const callIn = (endpoint: typeof google) =>
      toSdkPrompt(endpoint, fromGoogle).find((message) => message.role === "assistant")?.content[0];
    expect(callIn(google)).toMatchObject({
      providerOptions: { google: { thoughtSignature: "thought-sig" } },
    });
    expect(callIn(anthropic)).not.toHaveProperty("providerOptions");
  });

  it("rewrites Kimi-style ids (functions.name:0) for Anthropic, leaving ids other targets accept", () => {
    const openai = resolveEndpoint({ id: "openai" });
    expect(toolCallIdFor(anthropic, "functions.get_weather:0")).toBe("functions_get_weather_0");
    expect(toolCallIdFor(openai, "functions.get_weather:0")).toBe("functions.get_weather:0");
    expect(toolCallIdFor(mistral, "a1B2c3D4e")).toBe("a1B2c3D4e");
  });

  it("drops an assistant message whose only content was foreign reasoning", () => {
    const prompt = toSdkPrompt(google, [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        origin: { provider: "anthropic", api: "anthropic-messages", model: "claude-x" },
        content: [{ type: "reasoning", text: "thinking", signature: "s" }],
      },
      { role: "user", content: "again" },
    ]);
    expect(prompt.map((message) => message.role)).toEqual(["user", "user"]);
  });

  it("groups consecutive tool results into one message", () => {
    const prompt = toSdkPrompt(anthropic, [
      { role: "user", content: "two things" },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "a", toolName: "t", input: {} },
          { type: "tool-call", toolCallId: "b", toolName: "t", input: {} },
        ],
      },
      { role: "tool", toolCallId: "a", toolName: "t", output: "1" },
      { role: "tool", toolCallId: "b", toolName: "t", output: "2", isError: true },
    ]);
    const tools = prompt.filter((message) => message.role === "tool");
    expect(tools).toHaveLength(1);
    expect(tools[0]?.content).toHaveLength(2);
    expect(tools[0]?.content[1]).toMatchObject({ output: { type: "error-text", value: "2" } });
  });
});
