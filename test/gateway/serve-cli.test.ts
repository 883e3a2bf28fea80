// `baton serve` as a user runs it, in a child process: it refuses to run without auth off
// loopback or without its token, serves the official client with the token, and on SIGTERM
// lets the answer in flight finish before it exits 0.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { batonBin, runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonConfig, readStream } from "./harness.ts";

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
let configFile: string;
const token = "cli-gateway-token-0001";

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: { "gpt-slow": { tokenDelayMs: 25 } } } });
  dir = await tempDir("serve-cli");
  configFile = join(dir.path, "baton.config.json");
  const config = batonConfig(simulator, { chains: { default: ["openai/gpt-slow"] } });
  await writeFile(configFile, JSON.stringify(config, null, 2));
});
afterAll(async () => {
  await simulator.close();
  await dir.remove();
});

/** Starts `baton serve` and resolves once it prints its address. */
function serve(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [batonBin, "serve", ...args], {
    cwd: dir.path,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: string): void => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match !== null) resolve({ child, url: match[1] as string, output: () => output });
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("exit", (code) => reject(new Error(`baton serve exited ${code}: ${output}`)));
  });
}

describe("baton serve", () => {
  it("refuses --no-auth off loopback, and a missing token", async () => {
    const open = await runCli(["serve", "--config", configFile, "--host", "0.0.0.0", "--no-auth"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--no-auth is allowed only on a loopback host/);
    const tokenless = await runCli(["serve", "--config", configFile, "--port", "0"], {
      env: { BATON_GATEWAY_TOKEN: "" },
    });
    expect(tokenless.code).toBe(3);
    expect(tokenless.stderr).toMatch(/\$BATON_GATEWAY_TOKEN is not set/);
  });

  it("serves the client with its token and drains on SIGTERM", async () => {
    const { child, url, output } = await serve(
      ["--config", configFile, "--port", "0", "--token-env", "MY_TOKEN"],
      {
        MY_TOKEN: token,
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const client = new OpenAI({ apiKey: token, baseURL: `${url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "baton",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
    });
    const reading = readStream(stream);
    child.kill("SIGTERM");
    const read = await reading;
    expect(read.error).toBeUndefined();
    expect(read.text).toBe(canonicalReplyText);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/stopped \(1 finished, 0 aborted\)/);
    expect(output()).not.toContain(token);
  });
});
