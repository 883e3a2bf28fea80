// The session race of the developers' guide, end to end: turns wait on a slow model while
// another process appends notes every 50 ms and compacts the session. Every turn must be
// answered by the primary with no request to the fallback, the session must verify, and every
// note the other process was told was written must be in the transcript (or its archive).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNoteWriter } from "../../src/cli/demo/start-note-writer.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";
import type { Baton } from "../../src/turn/create-baton.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonOver } from "./harness.ts";

const turns = 50;
let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
let baton: Baton;

beforeAll(async () => {
  // A slow but healthy primary: each answer takes a few hundred milliseconds.
  simulator = await startSimulator({ scenario: { reply: { firstTokenDelayMs: 120, tokenDelayMs: 4 } } });
  dir = await tempDir("race");
  baton = await batonOver(simulator, dir.path, ["openai/gpt-5.5", "anthropic/claude-sonnet"]);
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

/** Every line of the session's transcript and archive, parsed. */
async function allEntries(
  sessionsDir: string,
  id: string,
): Promise<{ type: string; text?: string; seq: number }[]> {
  const lines: string[] = [];
  for (const file of [`${id}.archive.jsonl`, `${id}.jsonl`]) {
    const text = await readFile(join(sessionsDir, file), "utf8").catch(() => "");
    lines.push(...text.split("\n").filter((line) => line.trim() !== ""));
  }
  return lines
    .map((line) => JSON.parse(line) as { type: string; text?: string; seq: number })
    .filter((entry) => entry.type !== "session");
}

describe("the session race", () => {
  it(`${turns} turns on a slow model while another process writes notes and compacts`, async () => {
    const sessionsDir = join(dir.path, ".baton/sessions");
    await (await baton.store.open("race", { create: true })).close();
    const writer = await startNoteWriter({
      dir: sessionsDir,
      id: "race",
      everyMs: 50,
      compactEveryMs: 1_500,
    });
    const served: string[] = [];
    let rebases = 0;
    try {
      for (let turn = 1; turn <= turns; turn += 1) {
        const result = await baton.run({
          message: `question ${turn}`,
          sessionId: "race",
          onEvent: (event) => {
            if (event.type === "session-rebased") rebases += 1;
          },
        }).result;
        served.push(`${result.served.provider}/${result.served.model}`);
      }
    } finally {
      await writer.stop();
    }
    expect(served).toEqual(Array.from({ length: turns }, () => "openai/gpt-5.5"));
    expect(simulator.log().filter((entry) => entry.provider === "anthropic")).toHaveLength(0);
    expect(rebases).toBeGreaterThan(0);
    expect(writer.notes.length).toBeGreaterThan(turns);
    expect(writer.compactions).toContain(true);

    const report = await baton.store.verify("race");
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const entries = await allEntries(sessionsDir, "race");
    const notes = entries.filter((entry) => entry.type === "note").map((entry) => entry.text);
    for (const note of writer.notes) expect(notes).toContain(note);
    expect(new Set(notes).size).toBe(notes.length);
    const seqs = entries.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
