// A turn whose context outgrows the model: the prompt is refused once (context_overflow), the
// session is compacted with the chain itself writing the summary, and the step is retried on
// the smaller context. The oversized prompt is never sent again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import type { TurnEvent } from "../../src/turn/turn-event.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  // The model's window is 120 tokens (about 480 characters of prompt).
  simulator = await startSimulator({ scenario: { models: { small: { contextTokens: 120 } } } });
  dir = await tempDir("overflow");
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

describe("a context overflow", () => {
  it("compacts the session with the chain as summariser and answers from the smaller context", async () => {
    const baton = await batonOver(simulator, dir.path, ["openai/small"]);
    const question = (n: number) =>
      `Question ${n}: ${"tell me more about fault tolerance in agent runtimes ".repeat(2)}`;
    const events: TurnEvent[] = [];
    const served: string[] = [];
    for (let turn = 1; turn <= 4; turn += 1) {
      const result = await baton.run({
        message: question(turn),
        sessionId: "long",
        onEvent: (event) => events.push(event),
      }).result;
      served.push(result.served.model);
    }
    expect(served).toEqual(["small", "small", "small", "small"]);
    const overflowed = simulator.log().filter((entry) => entry.outcome.includes("context_length_exceeded"));
    expect(overflowed.length).toBeGreaterThanOrEqual(1);
    expect(events.some((event) => event.type === "compaction-finished" && event.compacted)).toBe(true);
    // Each oversized prompt was sent once: next came the summary request and the retried step,
    // both smaller, and the retry was answered.
    const log = simulator.log();
    for (const failed of overflowed) {
      const [summary, retry] = log.slice(log.indexOf(failed) + 1, log.indexOf(failed) + 3);
      expect(summary?.promptChars).toBeLessThan(failed.promptChars);
      expect(retry?.promptChars).toBeLessThan(failed.promptChars);
      expect(retry?.outcome).toBe("ok");
    }
    const report = await baton.store.verify("long");
    expect(report.ok).toBe(true);
    const session = await baton.store.open("long");
    expect(session.context().compaction).toBeDefined();
    await session.close();
  });
});
