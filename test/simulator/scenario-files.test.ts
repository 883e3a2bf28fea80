// Scenario files as a user writes them: every shipped example loads, together they cover
// every fault family, a broken file is refused with the file, the field and what was
// expected, and the docs list every catalogue entry and fault kind.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  catalogueIds,
  faultSchema,
  loadScenarioFile,
  type Scenario,
  ScenarioError,
} from "../../src/simulator/index.ts";

const examples = "examples/scenarios";

describe("scenario files", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "baton-scenarios-"));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  async function problemsOf(name: string, content: string): Promise<ScenarioError> {
    const path = join(folder, name);
    await writeFile(path, content);
    try {
      await loadScenarioFile(path);
    } catch (error) {
      if (error instanceof ScenarioError) return error;
      throw error;
    }
    throw new Error(`${name} loaded without complaint`);
  }

  it("loads every shipped example, each with a description", async () => {
    const files = (await readdir(examples)).filter((file) => file.endsWith(".json"));
    expect(files).toEqual(expect.arrayContaining(["quota.json", "session-race.json"]));
    for (const file of files) {
      const scenario = await loadScenarioFile(join(examples, file));
      expect(scenario.description, file).toBeTruthy();
    }
  });

  it("ships at least one example per fault family, stateful ones included", async () => {
    const scenarios: Scenario[] = [];
    for (const file of (await readdir(examples)).filter((name) => name.endsWith(".json"))) {
      scenarios.push(await loadScenarioFile(join(examples, file)));
    }
    const rules = scenarios.flatMap((scenario) => scenario.faults ?? []);
    const kinds = new Set(rules.map((rule) => rule.fault.kind));
    expect([...kinds].sort()).toEqual(faultSchema.options.map((option) => option.shape.kind.value).sort());
    expect(rules.some((rule) => rule.match?.window !== undefined && rule.match.apiKey !== undefined)).toBe(
      true,
    );
    expect(
      rules.some((rule) => rule.match?.window?.untilMs !== undefined && rule.match.model !== undefined),
    ).toBe(true);
    expect(rules.some((rule) => rule.match?.calls?.to !== undefined)).toBe(true);
  });

  it("names the file, the field and the allowed values for an unknown error id", async () => {
    const error = await problemsOf(
      "bad-error.json",
      JSON.stringify({ faults: [{ fault: { kind: "http-error", error: "openai.teapot" } }] }),
    );
    expect(error.message).toContain(join(folder, "bad-error.json"));
    expect(error.problems[0]).toMatch(
      /^faults\[0\]\.fault\.error: Invalid option: expected one of "openai\.rate_limit_exceeded"/,
    );
  });

  it("names a misspelt field and a wrong type", async () => {
    const error = await problemsOf(
      "typos.json",
      JSON.stringify({
        reply: { echoo: true },
        faults: [{ match: { calls: { to: "2" } }, fault: { kind: "never-answer" } }],
      }),
    );
    expect(error.problems).toContain('reply: unknown field "echoo": expected only the documented fields');
    expect(error.problems).toContain(
      "faults[0].match.calls.to: Invalid input: expected number, received string",
    );
  });

  it("names the allowed fault kinds for an unknown kind", async () => {
    const error = await problemsOf("kind.json", JSON.stringify({ faults: [{ fault: { kind: "explode" } }] }));
    expect(error.problems[0]).toMatch(/^faults\[0\]\.fault\.kind: .*'http-error' \| 'reset-before-headers'/);
  });

  it("points at the line and column of a JSON syntax error", async () => {
    const error = await problemsOf(
      "syntax.json",
      '{\n  "faults": [\n    { "fault": { "kind": "never-answer", } }\n  ]\n}\n',
    );
    expect(error.problems[0]).toMatch(/^not valid JSON: .*\(line 3 column \d+\)/);
  });

  it("says when the file cannot be read", async () => {
    await expect(loadScenarioFile(join(folder, "absent.json"))).rejects.toThrow(
      /absent\.json[\s\S]*cannot read the file \(ENOENT\)/,
    );
  });

  it("documents every catalogue entry and every fault kind in docs/simulator.md", async () => {
    const docs = await readFile("docs/simulator.md", "utf8");
    for (const id of catalogueIds) expect(docs, id).toContain(`\`${id}\``);
    for (const option of faultSchema.options) expect(docs).toContain(`\`${option.shape.kind.value}\``);
  });
});
