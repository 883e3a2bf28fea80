// `baton simulate` as a user runs it: a real child process on --port 0 that prints its
// address, answers a request with the scenario's fault, logs the request line, and stops
// cleanly on SIGTERM. Also its --help and its refusals.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { batonBin, runCli } from "../support/run-cli.ts";
import { openAiKey, rawPost, user } from "./support.ts";

function startCli(args: readonly string[]): {
  child: ChildProcess;
  output: () => string;
  address: Promise<string>;
} {
  const child = spawn(process.execPath, [batonBin, "simulate", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const address = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("exit", (code) => reject(new Error(`baton simulate exited early (${code}):\n${output}`)));
  });
  return { child, output: () => output, address };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

describe("baton simulate", () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    if (running !== undefined && running.exitCode === null) running.kill("SIGKILL");
    running = undefined;
  });

  it("prints its address and provider URLs, serves the scenario, logs requests and stops on SIGTERM", async () => {
    const cli = startCli(["--scenario", "examples/scenarios/quota.json", "--port", "0"]);
    running = cli.child;
    const url = await cli.address;
    expect(cli.output()).toContain(`openai    openai-chat         ${url}/openai/v1`);
    expect(cli.output()).toContain(`deepseek  openai-chat         ${url}/deepseek/v1`);

    const headers = { authorization: `Bearer ${openAiKey}` };
    const quota = await rawPost(
      `${url}/openai/v1/chat/completions`,
      { model: "gpt-4o", messages: [user("hi")] },
      headers,
    );
    expect(quota.status).toBe(429);
    expect(JSON.parse(quota.text).error.type).toBe("usage_limit_reached");
    const healthy = await rawPost(
      `${url}/deepseek/v1/chat/completions`,
      { model: "deepseek-chat", messages: [user("hi")] },
      headers,
    );
    expect(JSON.parse(healthy.text).choices[0].message.content).toBe(canonicalReplyText);

    cli.child.kill("SIGTERM");
    expect(await exitOf(cli.child)).toBe(0);
    expect(cli.output()).toMatch(
      /openai openai-chat gpt-4o call 1 key [0-9a-f]{12}: http-error:openai\.usage_limit_reached \(429\)/,
    );
    expect(cli.output()).toContain("deepseek openai-chat deepseek-chat call 1");
    expect(cli.output()).toContain("baton simulate: stopped");
    expect(cli.output()).not.toContain(openAiKey);
  });

  it("--help documents the scenario format, the fault kinds and the error catalogue", async () => {
    const result = await runCli(["simulate", "--help"]);
    expect(result.code).toBe(0);
    for (const text of [
      "--scenario FILE",
      "--port N",
      '"faults"',
      "reject-prefill",
      "stream-error",
      "openai.usage_limit_reached",
      "gemini.resource_exhausted",
    ]) {
      expect(result.stdout).toContain(text);
    }
  });

  it("refuses a bad scenario file, naming the file and the field", async () => {
    const result = await runCli(["simulate", "--scenario", "package.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid scenario package.json");
    expect(result.stderr).toContain('unknown field "name"');
  });

  it("refuses a non-loopback host unless asked explicitly", async () => {
    const result = await runCli(["simulate", "--host", "0.0.0.0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--allow-non-loopback");
  });
});
