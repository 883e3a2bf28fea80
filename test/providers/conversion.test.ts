// A conversation begun on one provider continues on any other: for each protocol as the source,
// a real tool-calling exchange (with reasoning where the provider signs it) is turned into
// Baton's conversation, then replayed with a follow-up question to every protocol's route. The
// simulator refuses what real providers refuse (unmatched tool results, foreign signatures,
// malformed ids), so acceptance here means the adapter converted the transcript correctly; the
// negative cases prove those refusals fire.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AssistantPart, ConversationMessage, ToolDefinition } from "../../src/providers/conversation.ts";
import type { ModelStreamEvent } from "../../src/providers/model-stream.ts";
import { type ProviderEndpoint, resolveEndpoint } from "../../src/providers/provider-endpoint.ts";
import { createSdkModelCaller } from "../../src/providers/sdk-model-caller.ts";
import type { WireProtocol } from "../../src/providers/wire-protocol.ts";
import {
  canonicalReplyText,
  canonicalThinkingText,
  type Simulator,
  startSimulator,
  thinkingSignature,
} from "../../src/simulator/index.ts";
import { type Collected, collect, endpointsFor, routes, testKey } from "./adapter-harness.ts";

type Route = (typeof routes)[number];

const weather: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const question = "What is the weather in Paris?";
const toolOutput = "18 C and sunny";
const followUp = "Thanks. Should I take an umbrella?";

let simulator: Simulator;
let endpoints: ProviderEndpoint[];
/** Every request body the adapter sent, in order, with the URL it went to. */
const sent: { url: string; body: string }[] = [];

const recordingFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  sent.push({ url, body: typeof init?.body === "string" ? init.body : "" });
  return fetch(input, init);
};

function caller(extra: readonly ProviderEndpoint[] = []) {
  return createSdkModelCaller({
    endpoints: [...endpoints, ...extra],
    apiKey: () => testKey,
    fetch: recordingFetch,
  });
}

/** The assistant message Baton keeps for a finished attempt: reasoning with its signature, then calls. */
function assistantFrom(
  events: readonly ModelStreamEvent[],
  route: Route,
  model: string,
): ConversationMessage {
  const content: AssistantPart[] = [];
  for (const event of events) {
    const last = content.at(-1);
    if (event.type === "reasoning-delta") {
      const signature = event.signature ?? (last?.type === "reasoning" ? last.signature : undefined);
      const text = (last?.type === "reasoning" ? last.text : "") + event.text;
      const part: AssistantPart = {
        type: "reasoning",
        text,
        ...(signature === undefined ? {} : { signature }),
      };
      if (last?.type === "reasoning") content[content.length - 1] = part;
      else content.push(part);
    } else if (event.type === "text-delta") {
      if (last?.type === "text") content[content.length - 1] = { type: "text", text: last.text + event.text };
      else content.push({ type: "text", text: event.text });
    } else if (event.type === "tool-call") {
      content.push({
        type: "tool-call",
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        input: event.input,
        ...(event.signature === undefined ? {} : { signature: event.signature }),
      });
    }
  }
  return { role: "assistant", content, origin: { provider: route.provider, api: route.api, model } };
}

interface Transcript {
  readonly messages: readonly ConversationMessage[];
  readonly toolCallId: string;
  /** The signature the source attached (Anthropic thinking, Gemini function call), if any. */
  readonly signature?: string;
}

const transcripts = new Map<WireProtocol, Transcript>();

beforeAll(async () => {
  simulator = await startSimulator({
    scenario: {
      models: {
        "source-model": { toolCall: { name: "get_weather", arguments: { city: "Paris" } } },
        "target-model": { toolCall: false },
      },
    },
  });
  endpoints = endpointsFor(simulator);
  for (const source of routes) {
    const result = await collect(
      caller(),
      source,
      { messages: [{ role: "user", content: question }], tools: [weather], reasoning: "high" },
      "source-model",
    );
    if (result.finish === undefined)
      throw new Error(`${source.api} source exchange failed: ${result.failure?.message}`);
    const assistant = assistantFrom(result.events, source, "source-model");
    const parts = assistant.role === "assistant" ? assistant.content : [];
    const call = parts.find((part) => part.type === "tool-call");
    if (call === undefined) throw new Error(`${source.api} source exchange made no tool call`);
    const signature = parts.map((part) => (part.type === "text" ? undefined : part.signature)).find(Boolean);
    transcripts.set(source.api, {
      toolCallId: call.toolCallId,
      messages: [
        { role: "system", content: "You are a weather assistant." },
        { role: "user", content: question },
        assistant,
        { role: "tool", toolCallId: call.toolCallId, toolName: call.toolName, output: toolOutput },
        { role: "user", content: followUp },
      ],
      ...(signature === undefined ? {} : { signature }),
    });
  }
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
  sent.length = 0;
});

function transcript(api: WireProtocol): Transcript {
  const found = transcripts.get(api);
  if (found === undefined) throw new Error(`no transcript from ${api}`);
  return found;
}

async function replay(
  target: Route,
  messages: readonly ConversationMessage[],
  extra: readonly ProviderEndpoint[] = [],
) {
  const result = await collect(caller(extra), target, { messages, tools: [weather] }, "target-model");
  return { result, body: sent.at(-1)?.body ?? "", log: simulator.log().at(-1) };
}

function expectAccepted(result: Collected, log: ReturnType<Simulator["log"]>[number] | undefined): void {
  expect(result.failure?.message).toBeUndefined();
  expect(result.finish).toMatchObject({ type: "finish", finishReason: "stop" });
  expect(result.text).toBe(canonicalReplyText);
  expect(log).toMatchObject({ status: 200, outcome: "ok" });
}

describe("the source exchanges", () => {
  it.each(routes)("$api calls the tool, and signs what it must", ({ api }) => {
    const { messages, signature, toolCallId } = transcript(api);
    const assistant = messages.find((message) => message.role === "assistant");
    expect(assistant?.role === "assistant" ? assistant.content.at(-1) : undefined).toMatchObject({
      type: "tool-call",
      toolName: "get_weather",
      input: { city: "Paris" },
    });
    expect(toolCallId).not.toBe("");
    if (api === "anthropic-messages") {
      expect(assistant?.role === "assistant" ? assistant.content[0] : undefined).toEqual({
        type: "reasoning",
        text: canonicalThinkingText,
        signature: thinkingSignature(canonicalThinkingText),
      });
    }
    if (api === "anthropic-messages" || api === "google-gemini") expect(signature).toBeDefined();
    else expect(signature).toBeUndefined();
  });
});

const matrix = routes.flatMap((source) =>
  routes.map((target) => ({ source, target, label: `${source.api} -> ${target.api}` })),
);

describe("a transcript from each provider is accepted by every provider", () => {
  it.each(matrix)("$label", async ({ source, target }) => {
    const { messages, signature } = transcript(source.api);
    const { result, body, log } = await replay(target, messages);
    expectAccepted(result, log);
    expect(log).toMatchObject({ provider: target.provider, api: target.api, model: "target-model" });
    expect(body).toContain(toolOutput);
    if (signature === undefined) return;
    // A signature is replayed to the provider that issued it, and to no other.
    if (source.api === target.api) expect(body).toContain(signature);
    else expect(body).not.toContain(signature);
  });

  it.each(routes)(
    "a provider named mistral gets 9-character tool-call ids from a $api transcript",
    async (source) => {
      const mistral = resolveEndpoint({
        id: "mistral",
        baseUrl: simulator.baseUrl("mistral", "openai-chat"),
      });
      const target = { provider: "mistral", api: "openai-chat" } as const;
      const { result, body, log } = await replay(target, transcript(source.api).messages, [mistral]);
      expectAccepted(result, log);
      const sentBody = JSON.parse(body) as {
        messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[];
      };
      const ids = sentBody.messages.flatMap((message) => [
        ...(message.tool_calls ?? []).map((call) => call.id),
        ...(message.tool_call_id === undefined ? [] : [message.tool_call_id]),
      ]);
      expect(ids).toHaveLength(2);
      for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9]{9}$/);
    },
  );
});

describe("tool-call ids in shapes other providers refuse", () => {
  // Kimi (Moonshot) names its calls `functions.<name>:<n>`; Anthropic and Mistral refuse that shape.
  const kimiId = "functions.get_weather:0";
  const fromKimi: ConversationMessage[] = [
    { role: "user", content: question },
    {
      role: "assistant",
      origin: { provider: "moonshot", api: "openai-chat", model: "kimi-k2" },
      content: [{ type: "tool-call", toolCallId: kimiId, toolName: "get_weather", input: { city: "Paris" } }],
    },
    { role: "tool", toolCallId: kimiId, toolName: "get_weather", output: toolOutput },
    { role: "user", content: followUp },
  ];

  it.each(routes)("are rewritten consistently for $api", async (target) => {
    const { result, body, log } = await replay(target, fromKimi);
    expectAccepted(result, log);
    if (target.api === "anthropic-messages") expect(body).not.toContain(kimiId);
    else expect(body).toContain(kimiId);
  });

  it("are rewritten to 9 characters for a provider named mistral", async () => {
    const mistral = resolveEndpoint({ id: "mistral", baseUrl: simulator.baseUrl("mistral", "openai-chat") });
    const { result, log } = await replay({ provider: "mistral", api: "openai-chat" }, fromKimi, [mistral]);
    expectAccepted(result, log);
  });

  it("are refused by Anthropic when sent unchanged", async () => {
    const plain = resolveEndpoint({
      id: "anthropic-unadapted",
      api: "anthropic-messages",
      baseUrl: simulator.baseUrl("anthropic", "anthropic-messages"),
    });
    const target = { provider: "anthropic-unadapted", api: "anthropic-messages" } as const;
    const { result, log } = await replay(target, fromKimi, [plain]);
    expect(result.failure?.message).toContain("tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'");
    expect(log).toMatchObject({
      provider: "anthropic",
      status: 400,
      outcome: "rejected:invalid-tool-use-id",
    });
  });
});

describe("what the simulator refuses, so that the acceptance above means something", () => {
  const orphanResult: ConversationMessage[] = [
    { role: "user", content: question },
    { role: "tool", toolCallId: "call_orphan01", toolName: "get_weather", output: toolOutput },
    { role: "user", content: followUp },
  ];
  const orphanReasons: Record<WireProtocol, string> = {
    "openai-chat": "rejected:tool-message-without-tool-call",
    "openai-responses": "rejected:function-call-output-without-call",
    "anthropic-messages": "rejected:tool-result-without-tool-use",
    "google-gemini": "rejected:function-response-without-call",
  };

  it.each(routes)("$api refuses a tool result that answers no tool call", async (target) => {
    const { result, log } = await replay(target, orphanResult);
    expect(result.finish).toBeUndefined();
    expect(result.failure).toMatchObject({ status: 400 });
    expect(log).toMatchObject({ status: 400, outcome: orphanReasons[target.api] });
  });

  it("Anthropic refuses a thinking block kept from another provider", async () => {
    // As if the session had labelled Gemini's transcript, with an OpenAI reasoning signature, as Anthropic's.
    const foreign = transcript("google-gemini").messages.map(
      (message): ConversationMessage =>
        message.role === "assistant"
          ? {
              ...message,
              origin: { provider: "anthropic", api: "anthropic-messages", model: "target-model" },
              content: [
                { type: "reasoning", text: "Look up the weather.", signature: "gAAAAABo-openai-encrypted" },
                ...message.content,
              ],
            }
          : message,
    );
    const target = routes.find((route) => route.api === "anthropic-messages") as Route;
    const { result, body, log } = await replay(target, foreign);
    expect(body).toContain("gAAAAABo-openai-encrypted");
    expect(result.failure?.body).toMatchObject({ type: "invalid_request_error" });
    expect(result.failure?.message).toContain("Invalid `signature` in `thinking` block");
    expect(log).toMatchObject({ status: 400, outcome: "rejected:invalid-thinking-signature" });
  });

  it("Gemini refuses a thought signature kept from another provider", async () => {
    const anthropic = transcript("anthropic-messages");
    const foreign = anthropic.messages.map(
      (message): ConversationMessage =>
        message.role === "assistant"
          ? {
              ...message,
              origin: { provider: "google", api: "google-gemini", model: "target-model" },
              content: message.content.map((part) =>
                part.type === "tool-call" ? { ...part, signature: anthropic.signature as string } : part,
              ),
            }
          : message,
    );
    const target = routes.find((route) => route.api === "google-gemini") as Route;
    const { result, log } = await replay(target, foreign);
    expect(result.failure?.message).toContain("Corrupted thought signature.");
    expect(log).toMatchObject({ status: 400, outcome: "rejected:corrupted-thought-signature" });
  });

  it("a provider named mistral refuses tool-call ids an endpoint without the quirk sends unchanged", async () => {
    const plain = resolveEndpoint({
      id: "mistral-unadapted",
      api: "openai-chat",
      baseUrl: simulator.baseUrl("mistral", "openai-chat"),
    });
    const target = { provider: "mistral-unadapted", api: "openai-chat" } as const;
    const { result, log } = await replay(target, transcript("anthropic-messages").messages, [plain]);
    expect(result.failure?.message).toContain("but must be a-z, A-Z, 0-9, with a length of 9.");
    expect(log).toMatchObject({ provider: "mistral", status: 400, outcome: "rejected:mistral-tool-call-id" });
  });
});
