// When every candidate is cooling, a turn fails at once without a request, and its error still
// names the cause (the quota that cooled the credential) and when it lifts, not "internal".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { TurnError } from "../../src/turn/turn-error.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  simulator = await startSimulator({
    scenario: {
      faults: [{ fault: { kind: "http-error", error: "openai.usage_limit_reached", resetInMs: 3_600_000 } }],
    },
  });
  dir = await tempDir("cooling");
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

async function failure(run: Promise<unknown>): Promise<TurnError> {
  try {
    await run;
  } catch (error) {
    if (TurnError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the turn should have failed");
}

describe("every candidate cooling", () => {
  it("fails without a request, naming the quota and its reset", async () => {
    const baton = await batonOver(simulator, dir.path, ["openai/gpt-5.5", "openai/gpt-5.4-mini"]);
    const first = await failure(baton.run({ message: "hello" }).result);
    expect({ kind: first.kind, reason: first.reason, scope: first.scope }).toEqual({
      kind: "providers",
      reason: "quota_exhausted",
      scope: "credential",
    });
    const second = await failure(baton.run({ message: "hello again" }).result);
    expect({ kind: second.kind, reason: second.reason, scope: second.scope }).toEqual({
      kind: "providers",
      reason: "quota_exhausted",
      scope: "credential",
    });
    expect(second.attempts).toHaveLength(0);
    expect(second.message.split("\n")[0]).toMatch(
      /openai \(credential openai:main\) cooling until \d\d:\d\d(:\d\d)?Z/,
    );
    expect(simulator.log()).toHaveLength(1);
  });
});
