// Sampling settings through the library: they reach the provider, and when the model does not
// take one (OpenAI reasoning models refuse temperature), the AI SDK drops it and the trace says
// so on the answering attempt, instead of the setting vanishing silently.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
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
