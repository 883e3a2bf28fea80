// A background compaction that lands while a turn is between appends (here: while its tool
// runs) rewrites the session under the turn. The turn rebuilds its conversation from the
// rewritten session, which already holds the message it just appended: the provider must get
// that message once, not twice (a duplicated tool call or result is refused by providers, and a
// duplicated message is billed twice). Found by the chaos soak.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { defineTool } from "../../src/turn/tool.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

const toolOutput = `report: ${"all systems nominal; ".repeat(200)}`;

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  simulator = await startSimulator({ scenario: { reply: { toolCall: { arguments: { system: "core" } } } } });
  dir = await tempDir("compaction-during-turn");
});
afterEach(async () => {
  await simulator.close();
  await dir.remove();
});

describe("a compaction rewrite during a turn", () => {
  it("sends the message the turn just appended once, and the turn is answered", async () => {
    const baton = await batonOver(simulator, dir.path, ["openai/gpt-5.5", "anthropic/claude-sonnet"]);
    // Some history for the compaction to summarise.
    for (const question of ["first question", "second question"]) {
      await baton.run({ message: question, sessionId: "s" }).result;
    }
    let compacted = false;
    const status = defineTool({
      name: "status",
      description: "System status report",
      input: z.object({ system: z.string() }),
      execute: async () => {
        // Another writer compacts the session while the tool runs.
        const result = await baton.store.compact("s", async () => "summary of earlier questions", {
          keepRecent: 0,
        });
        compacted = result.compacted;
        return toolOutput;
      },
    });
    const rewrites: boolean[] = [];
    const result = await baton.run({
      message: "How is the core?",
      sessionId: "s",
      tools: [status],
      onEvent: (event) => {
        if (event.type === "session-rebased") rewrites.push(event.rewritten);
      },
    }).result;

    expect(compacted).toBe(true);
    expect(rewrites).toContain(true);
    expect(result.served.provider).toBe("openai");
    expect(result.steps).toBe(2);
    expect(simulator.log().map((entry) => entry.outcome)).not.toContainEqual(
      expect.stringMatching(/^rejected:/),
    );
    // The step after the tool carried its output once: more than one copy, less than two.
    const afterTool = simulator.log().at(-1);
    expect(afterTool?.promptChars).toBeGreaterThan(toolOutput.length);
    expect(afterTool?.promptChars).toBeLessThan(2 * toolOutput.length);
    expect((await baton.store.verify("s")).ok).toBe(true);
  });
});
