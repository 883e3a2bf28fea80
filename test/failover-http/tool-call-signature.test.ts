// A Gemini function call carries a thought signature that must be replayed to Gemini with it.
// Through the real engine and adapter: the answer's tool-call part keeps the signature, and a
// follow-up request built from it is accepted by the simulator (which refuses forged ones).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classify } from "../../src/failover/classify.ts";
import { runWithFailover } from "../../src/failover/engine.ts";
import { MemoryHealthRegistry } from "../../src/health/memory-health-registry.ts";
import type { ConversationMessage } from "../../src/providers/conversation.ts";
import { resolveEndpoint } from "../../src/providers/provider-endpoint.ts";
import { createSdkModelCaller } from "../../src/providers/sdk-model-caller.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator({ scenario: { reply: { toolCall: { arguments: { city: "Oslo" } } } } });
});
afterAll(async () => {
  await simulator.close();
});

describe("a Gemini tool call through the engine", () => {
  it("keeps its thought signature, and replaying it is accepted", async () => {
    const caller = createSdkModelCaller({
      endpoints: [resolveEndpoint({ id: "google", baseUrl: simulator.baseUrl("google", "google-gemini") })],
      apiKey: () => "gemini-test-key-0001",
    });
    const chain = {
      name: "gemini",
      providers: [{ id: "google", api: "google-gemini" as const, credentials: [{ id: "google:main" }] }],
      candidates: [{ provider: "google", model: "gemini-3-pro" }],
    };
    const tools = [
      { name: "weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } },
    ];
    const health = new MemoryHealthRegistry();
    const messages: ConversationMessage[] = [{ role: "user", content: "weather in Oslo?" }];
    const first = await runWithFailover({
      chain,
      health,
      caller,
      classify,
      request: { messages, tools, reasoning: "low" },
    });
    const call = first.toolCalls[0];
    expect(call?.toolName).toBe("weather");
    expect(call?.signature).toEqual(expect.any(String));
    messages.push(
      {
        role: "assistant",
        content: first.content,
        origin: { provider: "google", api: "google-gemini", model: "gemini-3-pro" },
      },
      { role: "tool", toolCallId: call?.toolCallId ?? "", toolName: "weather", output: "-3C" },
    );
    const second = await runWithFailover({
      chain,
      health,
      caller,
      classify,
      request: { messages, tools, reasoning: "low" },
    });
    expect(second.finishReason).toBe("stop");
    expect(simulator.log().map((entry) => entry.outcome)).toEqual(["ok", "ok"]);
  });
});
