// Sampling settings and reasoning effort through the library: they reach the provider, and when
// the model does not take one (OpenAI reasoning models refuse temperature), the AI SDK drops it
// and the trace says so on the answering attempt, instead of the setting vanishing silently. A
// model's configured reasoning effort applies when the turn sets none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { createBaton } from "../../src/turn/create-baton.ts";
import type { TurnEvent } from "../../src/turn/turn-event.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  simulator = await startSimulator();
  dir = await tempDir("sampling");
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

async function answeredWith(model: string): Promise<Extract<TurnEvent, { type: "attempt-finished" }>> {
  simulator.reset();
  const baton = await batonOver(simulator, dir.path, [model]);
  const events: TurnEvent[] = [];
  await baton.run({
    message: "hello",
    sampling: { temperature: 0.3, seed: 11 },
    onEvent: (event) => events.push(event),
  }).result;
  const finished = events.find((event) => event.type === "attempt-finished");
  if (finished?.type !== "attempt-finished") throw new Error("no attempt-finished event");
  return finished;
}

describe("sampling settings from the library", () => {
  it("reach a model that takes them, with no warning", async () => {
    const finished = await answeredWith("openai/gpt-4.1");
    expect(simulator.log()[0]?.sampling).toEqual({ temperature: 0.3, seed: 11 });
    expect(finished.warnings).toBeUndefined();
  });

  it("are dropped for a model that refuses one, and the trace says which", async () => {
    const finished = await answeredWith("openai/gpt-5.5");
    expect(simulator.log()[0]?.sampling).toEqual({ seed: 11 });
    expect(finished.warnings).toEqual([expect.stringMatching(/^temperature: .*not supported/)]);
  });
});

describe("a model's configured reasoning effort", () => {
  it("applies to that model only, and a turn's own setting wins", async () => {
    simulator.setScenario({
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.server_error_500" } },
      ],
    });
    const baton = await createBaton({
      cwd: dir.path,
      env: { OPENAI_KEY: "sk-test-openai-0001", DEEPSEEK_KEY: "sk-test-deepseek-0001" },
      config: {
        providers: {
          openai: {
            api: "openai-chat",
            baseUrl: simulator.baseUrl("openai", "openai-chat"),
            credentials: [{ id: "main", apiKeyEnv: "OPENAI_KEY" }],
            models: { "gpt-5.5": { reasoning: "high" } },
          },
          deepseek: {
            api: "openai-chat",
            baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
            credentials: [{ id: "main", apiKeyEnv: "DEEPSEEK_KEY" }],
          },
        },
        chains: { default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"] },
        policy: { maxRetriesPerTarget: 0, breaker: { threshold: 10 } },
      },
    });
    try {
      simulator.reset();
      await baton.run({ message: "hello" }).result;
      expect(simulator.log().map((entry) => [entry.provider, entry.reasoning])).toEqual([
        ["openai", "high"],
        ["deepseek", undefined],
      ]);
      simulator.reset();
      await baton.run({ message: "hello again", reasoning: "low" }).result;
      expect(simulator.log().map((entry) => entry.reasoning)).toEqual(["low", "low"]);
    } finally {
      simulator.setScenario({});
    }
  });
});
