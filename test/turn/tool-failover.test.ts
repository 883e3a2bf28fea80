// A tool-calling turn whose first provider fails after the tool ran: the tool executed once,
// and the fallback (another wire protocol) continued from the tool's result in the transcript.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { defineTool } from "../../src/turn/tool.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  simulator = await startSimulator({
    scenario: {
      reply: { toolCall: { arguments: { city: "Paris" } } },
      // The first call (which asks for the tool) succeeds; every later OpenAI call fails.
      faults: [
        {
          match: { provider: "openai", calls: { from: 2 } },
          fault: { kind: "http-error", error: "openai.server_error_500" },
        },
      ],
    },
  });
  dir = await tempDir("tools");
});
afterEach(async () => {
  await simulator.close();
  await dir.remove();
});

describe("a tool call across a failover", () => {
  it("runs the tool once and the fallback continues from its result", async () => {
    const baton = await batonOver(simulator, dir.path, ["openai/gpt-5.5", "anthropic/claude-sonnet"], {
      maxRetriesPerTarget: 0,
    });
    const cities: string[] = [];
    const weather = defineTool({
      name: "weather",
      description: "Current weather in a city",
      input: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        cities.push(city);
        return `18C and sunny in ${city}`;
      },
    });
    const result = await baton.run({
      message: "What is the weather in Paris?",
      sessionId: "tools",
      tools: [weather],
    }).result;
    expect(cities).toEqual(["Paris"]);
    expect(result.served.provider).toBe("anthropic");
    expect(result.toolCalls).toEqual([expect.objectContaining({ toolName: "weather", isError: false })]);
    expect(result.steps).toBe(2);
    // The fallback answered with text, which the simulator does only when the request carries the
    // tool result after the last user message; its prompt holds both texts.
    const anthropicRequests = simulator.log().filter((entry) => entry.provider === "anthropic");
    expect(anthropicRequests).toHaveLength(1);
    expect(anthropicRequests[0]?.promptChars).toBeGreaterThanOrEqual(
      "What is the weather in Paris?".length + "18C and sunny in Paris".length,
    );
    const report = await baton.store.verify("tools");
    expect(report.ok).toBe(true);
    const session = await baton.store.open("tools");
    const roles = session
      .context()
      .entries.flatMap((entry) => (entry.type === "message" ? [entry.message.role] : []));
    await session.close();
    expect(roles).toEqual(["user", "assistant", "tool", "assistant"]);
  });
});
