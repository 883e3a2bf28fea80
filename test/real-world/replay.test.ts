// Replays every recorded real-world response (test/real-world/cases/*.json) from a real HTTP
// server on 127.0.0.1 through Baton's real adapter for its protocol and preset, classifies what
// came back and compares reason, scope and wait with the case's expectation. Prints the score
// per provider and per kind. Cases listed in known-failures.json must still fail exactly as
// recorded there (so a fix shows up as a test asking for the id to be deleted); see README.md.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadedCase, loadCases } from "./load-cases.ts";
import {
  describeExpected,
  describeObserved,
  isCorrect,
  judge,
  replayOne,
  type Verdict,
} from "./replay-judge.ts";
import { type ReplayServer, startReplayServer } from "./replay-server.ts";
import { scoreTables } from "./score-table.ts";

const knownFailuresFile = join(import.meta.dirname, "known-failures.json");
/** Set REAL_WORLD_RECORD=1 to rewrite known-failures.json with what fails now. */
const recording = process.env.REAL_WORLD_RECORD === "1";

const cases = loadCases();
const knownFailures = JSON.parse(readFileSync(knownFailuresFile, "utf8")) as Record<string, string>;
const results = new Map<string, { entry: LoadedCase; verdict: Verdict }>();

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer(cases);
});
afterAll(async () => {
  await server?.close();
  process.stdout.write(`\nreal-world corpus, correct out of total:\n${scoreTables(results)}\n`);
  if (recording) {
    const failing = Object.fromEntries(
      [...results.values()]
        .filter(({ verdict }) => !isCorrect(verdict))
        .map(
          ({ entry, verdict }) => [entry.id, describeObserved(verdict.observed, entry.receivedAt)] as const,
        )
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    writeFileSync(knownFailuresFile, `${JSON.stringify(failing, null, 2)}\n`);
  }
});

describe("known-failures.json", () => {
  it("names only cases that exist", () => {
    const ids = new Set(cases.map((entry) => entry.id));
    expect(Object.keys(knownFailures).filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe.each([...new Set(cases.map((entry) => entry.provider))].sort())(
  "real-world corpus: %s",
  (provider) => {
    for (const entry of cases.filter((item) => item.provider === provider)) {
      it(`${entry.id} (${entry.kind}): ${describeExpected(entry.expect)}`, async () => {
        const observed = await replayOne(entry, server.baseUrl(entry.id));
        const verdict = judge(entry, observed);
        results.set(entry.id, { entry, verdict });
        // The adapter sends exactly one request: nothing retries underneath Baton.
        expect(server.requestCount(entry.id)).toBe(1);
        const seen = describeObserved(observed, entry.receivedAt);
        const known = knownFailures[entry.id];
        if (recording) return;
        if (known === undefined) {
          expect(
            isCorrect(verdict),
            `expected ${describeExpected(verdict.judgedAgainst)}, Baton: ${seen}`,
          ).toBe(true);
        } else {
          expect(
            isCorrect(verdict),
            `now correct: delete '${entry.id}' from test/real-world/known-failures.json`,
          ).toBe(false);
          expect(
            seen,
            `fails differently from known-failures.json (expected ${describeExpected(entry.expect)})`,
          ).toBe(known);
        }
      });
    }
  },
);
