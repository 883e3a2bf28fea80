// The quota scenario of the developers' guide, through `baton run --json` in a real child
// process: OpenAI answers every request with 429 usage_limit_reached, DeepSeek is healthy.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  loadScenarioFile,
  type Simulator,
  startSimulator,
} from "../../src/simulator/index.ts";
import { runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
const env = { OPENAI_API_KEY: "sk-canary-openai-0001", DEEPSEEK_API_KEY: "sk-canary-deepseek-0001" };

beforeAll(async () => {
  simulator = await startSimulator({ scenario: await loadScenarioFile("examples/scenarios/quota.json") });
  dir = await tempDir("quota");
  const config = {
    providers: {
      openai: {
        api: "openai-chat",
        baseUrl: simulator.baseUrl("openai", "openai-chat"),
        credentials: [{ id: "work", apiKeyEnv: "OPENAI_API_KEY" }],
      },
      deepseek: {
        api: "openai-chat",
        baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
        credentials: [{ id: "main", apiKeyEnv: "DEEPSEEK_API_KEY" }],
      },
    },
    chains: { default: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"] },
  };
  await writeFile(join(dir.path, "baton.config.json"), JSON.stringify(config, null, 2));
});

afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

describe("baton run --json on the quota scenario", () => {
  it("answers from DeepSeek after exactly one OpenAI request, and says why", async () => {
    const result = await runCli(["run", "--json", "--session", "quota-demo", "What is Baton?"], {
      cwd: dir.path,
      env,
    });
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as {
      ok: boolean;
      text: string;
      served: { provider: string; model: string; credential: string };
      attempts: { provider: string; outcome: string; reason?: string; scope?: string }[];
    };
    expect(output.ok).toBe(true);
    expect(output.text).toBe(canonicalReplyText);
    expect(output.served).toEqual({
      provider: "deepseek",
      model: "deepseek-v4-pro",
      credential: "deepseek:main",
    });
    expect(output.attempts).toMatchObject([
      { provider: "openai", outcome: "failed", reason: "quota_exhausted", scope: "credential" },
      { provider: "deepseek", outcome: "answered" },
    ]);
    expect(simulator.log().filter((entry) => entry.provider === "openai")).toHaveLength(1);
    expect(result.stderr).toMatch(/skipping openai\/gpt-5\.4-mini via openai:work: quota exhausted/);

    const trace = await readFile(join(dir.path, ".baton/sessions/quota-demo.trace.jsonl"), "utf8");
    const skipped = trace
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { type: string; reason?: string; target?: { model: string } })
      .find((event) => event.type === "candidate-skipped");
    expect(skipped).toMatchObject({ reason: "quota_exhausted", target: { model: "gpt-5.4-mini" } });
    for (const text of [result.stdout, result.stderr, trace]) {
      expect(text).not.toContain(env.OPENAI_API_KEY);
      expect(text).not.toContain(env.DEEPSEEK_API_KEY);
    }
  });
});
