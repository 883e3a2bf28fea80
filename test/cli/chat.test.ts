// `baton chat` in a real child process, fed lines on stdin: answers stream, and the partial
// output of an attempt cut midway is visibly withdrawn before the complete answer.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  simulator = await startSimulator({
    scenario: {
      faults: [{ match: { provider: "openai", calls: { to: 1 } }, fault: { kind: "cut-after", tokens: 3 } }],
    },
  });
  dir = await tempDir("chat");
  const providers = Object.fromEntries(
    ["openai", "deepseek"].map((name) => [
      name,
      {
        api: "openai-chat",
        baseUrl: simulator.baseUrl(name, "openai-chat"),
        credentials: [{ id: "main", apiKeyEnv: "CHAT_KEY" }],
      },
    ]),
  );
  await writeFile(
    join(dir.path, "baton.config.json"),
    JSON.stringify({
      providers,
      chains: { default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"] },
      policy: { maxRetriesPerTarget: 0 },
    }),
  );
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

describe("baton chat", () => {
  it("streams answers and withdraws a cut attempt's partial output", async () => {
    const result = await runCli(["chat", "--session", "talk"], {
      cwd: dir.path,
      env: { CHAT_KEY: "sk-chat-0001" },
      input: "first question\nsecond question\n/exit\n",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[withdrawn: Baton simulator reply:");
    expect(result.stdout.split(canonicalReplyText)).toHaveLength(3);
    expect(result.stdout).toContain("truncated stream");
    expect(simulator.log().map((entry) => entry.provider)).toEqual(["openai", "deepseek", "openai"]);
  });
});
