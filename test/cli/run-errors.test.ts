// Bad config and bad input through the real `baton` executable: each gets the documented
// message and exit code, and no key is ever printed.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

let dir: { path: string; remove: () => Promise<void> };
const config = (chain: string[]) => ({
  providers: {
    openai: {
      api: "openai-chat",
      baseUrl: "http://127.0.0.1:9/v1",
      credentials: [{ id: "work", apiKeyEnv: "BATON_TEST_OPENAI_KEY" }],
    },
    deepseek: {
      api: "openai-chat",
      baseUrl: "http://127.0.0.1:9/v1",
      credentials: [{ id: "main", apiKeyEnv: "BATON_TEST_DEEPSEEK_KEY" }],
    },
  },
  chains: { default: chain },
});

beforeAll(async () => {
  dir = await tempDir("cli-errors");
  await writeFile(
    join(dir.path, "good.json"),
    JSON.stringify(config(["openai/gpt-5.5", "deepseek/deepseek-v4-pro"])),
  );
  await writeFile(
    join(dir.path, "typo.json"),
    JSON.stringify(config(["openai/gpt-5.5", "deepsek/deepseek-v4-pro"])),
  );
});
afterAll(async () => {
  await dir.remove();
});

const keys = { BATON_TEST_OPENAI_KEY: "sk-canary-aaaa-0001", BATON_TEST_DEEPSEEK_KEY: "sk-canary-bbbb-0002" };

describe("baton run: bad config and bad input", () => {
  it("a missing config file: exit 3, naming the file", async () => {
    const result = await runCli(["run", "--config", "nope.json", "hi"], { cwd: dir.path, env: keys });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${join(dir.path, "nope.json")}: no such file`);
  });

  it("no config at all: exit 3, saying how to provide one", async () => {
    const result = await runCli(["run", "hi"], { cwd: dir.path, env: { ...keys, BATON_CONFIG: "" } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "no config file: pass --config FILE, set BATON_CONFIG, or create baton.config.json",
    );
  });

  it("an unknown provider in a chain: exit 3, naming the path and a suggestion", async () => {
    const result = await runCli(["run", "--config", "typo.json", "hi"], { cwd: dir.path, env: keys });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("chains.default[1]: unknown provider 'deepsek'");
    expect(result.stderr).toContain("did you mean 'deepseek'?");
  });

  it("a key's env var unset: exit 3, naming the variable, never a key", async () => {
    const result = await runCli(["run", "--config", "good.json", "hi"], {
      cwd: dir.path,
      env: { BATON_TEST_OPENAI_KEY: keys.BATON_TEST_OPENAI_KEY, BATON_TEST_DEEPSEEK_KEY: "" },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("$BATON_TEST_DEEPSEEK_KEY is not set");
    expect(result.stderr).not.toContain(keys.BATON_TEST_OPENAI_KEY);
  });

  it("an empty message: exit 2", async () => {
    const result = await runCli(["run", "--config", "good.json", "   "], { cwd: dir.path, env: keys });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the message is empty");
  });

  it("an unknown option: exit 2 with a pointer to --help", async () => {
    const result = await runCli(["run", "--chian", "x", "hi"], { cwd: dir.path, env: keys });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Run `baton run --help` for usage.");
  });

  it("an unknown session: exit 6", async () => {
    const result = await runCli(
      ["sessions", "show", "no-such-session", "--dir", join(dir.path, "sessions")],
      { cwd: dir.path },
    );
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("no-such-session");
  });

  it("doctor reports an unset key without printing the others", async () => {
    const result = await runCli(["doctor", "--config", "good.json"], {
      cwd: dir.path,
      env: { BATON_TEST_OPENAI_KEY: keys.BATON_TEST_OPENAI_KEY, BATON_TEST_DEEPSEEK_KEY: "" },
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("openai:work: $BATON_TEST_OPENAI_KEY is set");
    expect(result.stdout).toContain("deepseek:main: $BATON_TEST_DEEPSEEK_KEY is NOT set");
    expect(result.stdout).not.toContain(keys.BATON_TEST_OPENAI_KEY);
  });
});
