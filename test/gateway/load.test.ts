// Load: 200 concurrent streaming requests through a gateway running in its own process, with
// faults injected on the primary (cut, overloaded and stalled streams, 500s, resets, a corrupt
// event), half of them in each commit mode. Every request ends complete (the whole canonical
// answer and finish_reason "stop") or with a clean error the client raises; none ends as a
// truncated "success". Afterwards nothing is in flight and the heap is back to its baseline.
import { type ChildProcess, fork } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { tempDir } from "../support/temp-dir.ts";
import { batonConfig, readStream } from "./harness.ts";

const token = "load-gateway-token-0001";
const childScript = fileURLToPath(new URL("./gateway-child.ts", import.meta.url));
const faultyModels = ["gpt-cut", "gpt-overloaded", "gpt-500", "gpt-reset", "gpt-stall", "gpt-malformed"];

interface Memory {
  readonly usage: NodeJS.MemoryUsage;
  readonly inFlight: number;
}

let simulator: Simulator;
let dir: { path: string; remove: () => Promise<void> };
let child: ChildProcess;
let client: OpenAI;

function ask<T>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }): void => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.send({ type });
  });
}

beforeAll(async () => {
  simulator = await startSimulator({
    scenario: {
      reply: { tokenDelayMs: 2 },
      faults: [
        { match: { model: "gpt-cut" }, fault: { kind: "cut-after", tokens: 5, connection: "close" } },
        {
          match: { model: "gpt-overloaded" },
          fault: {
            kind: "stream-error",
            afterTokens: 3,
            error: "openai.server_is_overloaded",
            resetInMs: 50,
          },
        },
        { match: { model: "gpt-500" }, fault: { kind: "http-error", error: "openai.server_error_500" } },
        { match: { model: "gpt-reset" }, fault: { kind: "reset-before-headers" } },
        { match: { model: "gpt-stall" }, fault: { kind: "stall-after", tokens: 4 } },
        { match: { model: "gpt-malformed" }, fault: { kind: "malformed-event", at: 4 } },
      ],
    },
  });
  dir = await tempDir("gateway-load");
  const config = batonConfig(simulator, {
    chains: { default: ["deepseek/deepseek-v4-pro"] },
    providers: ["openai"],
    models: { openai: { "gpt-stall": { timers: { idleMs: 300 } } } },
    // Every request meets its primary's fault: no breaker takes the primary out of the chain.
    policy: { breaker: { threshold: 1_000_000, providerThreshold: 1_000_000 } },
  });
  const configFile = join(dir.path, "baton.config.json");
  await writeFile(configFile, JSON.stringify(config));
  child = fork(childScript, [configFile], {
    cwd: dir.path,
    execArgv: ["--expose-gc"],
    env: { ...process.env, BATON_GATEWAY_TOKEN: token },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { url: string }));
    child.once("exit", (code) => reject(new Error(`the gateway child exited ${code}`)));
  });
  client = new OpenAI({ apiKey: token, baseURL: `${ready.url}/v1`, maxRetries: 0, timeout: 60_000 });
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send({ type: "stop" });
    await exited;
  }
  await simulator.close();
  await dir.remove();
});

async function request(index: number) {
  const commit = index % 2 === 0 ? "forward" : "hold";
  const model = `openai/${faultyModels[Math.floor(index / 2) % faultyModels.length]}`;
  // `fallbacks` is Baton's extension of the request body.
  const body = {
    model,
    fallbacks: ["deepseek/deepseek-v4-pro"],
    messages: [{ role: "user" as const, content: `request ${index}` }],
    stream: true as const,
  };
  const stream = await client.chat.completions
    .create(body, { headers: { "x-baton-stream-commit": commit } })
    .catch((error: unknown) => error);
  if (stream instanceof Error) return { commit, model, text: "", finishReason: null, error: stream };
  return {
    commit,
    model,
    ...(await readStream(stream as AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>)),
  };
}

describe("200 concurrent streams with faults on the primary", () => {
  it("ends every request complete or with a clean error, and returns to its memory baseline", async () => {
    // Warm up at the same concurrency (JIT, socket and parser pools) before taking the baseline.
    await Promise.all(Array.from({ length: 200 }, (_, index) => request(index)));
    const baseline = await ask<Memory>("memory");
    const loadStart = simulator.log().length;

    const results = await Promise.all(Array.from({ length: 200 }, (_, index) => request(index)));

    // The faults really were met: every primary request of the load failed as scripted.
    const primary = simulator
      .log()
      .slice(loadStart)
      .filter((entry) => entry.provider === "openai");
    expect(new Set(primary.map((entry) => entry.model))).toEqual(new Set(faultyModels));
    expect(primary.filter((entry) => entry.outcome === "ok")).toEqual([]);
    for (const result of results) {
      if (result.error === undefined) {
        // Complete: the whole answer, a finish reason.
        expect(result.text).toBe(canonicalReplyText);
        expect(result.finishReason).toBe("stop");
      } else {
        // A clean error the client raised, with Baton's reason; never a finish reason.
        expect(result.error).toBeInstanceOf(OpenAI.APIError);
        expect((result.error as InstanceType<typeof OpenAI.APIError>).error).toHaveProperty("baton.reason");
        expect(result.finishReason).toBeNull();
      }
    }
    // Hold buffers each attempt until it completes: every fault on the primary is rescued.
    const hold = results.filter((result) => result.commit === "hold");
    expect(hold.filter((result) => result.error !== undefined)).toEqual([]);
    // Forward streams at once: only a failure after output may end a request with an error.
    const failed = results.filter((result) => result.error !== undefined);
    for (const result of failed) {
      expect(result.commit).toBe("forward");
      expect((result.error as InstanceType<typeof OpenAI.APIError>).error).toHaveProperty(
        "baton.kind",
        "partial-output",
      );
    }
    // Failures before any output are rescued in forward mode too.
    for (const model of ["openai/gpt-500", "openai/gpt-reset"]) {
      expect(results.filter((result) => result.model === model && result.error !== undefined)).toEqual([]);
    }

    const after = await ask<Memory>("memory");
    expect(after.inFlight).toBe(0);
    const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
    console.info(
      `load: ${results.length - failed.length} complete, ${failed.length} clean errors; heap ${mib(baseline.usage.heapUsed)} -> ${mib(after.usage.heapUsed)} MiB; rss ${mib(baseline.usage.rss)} -> ${mib(after.usage.rss)} MiB`,
    );
    // Back to baseline: what 200 turns held is released (a leak of 16 KiB per turn would be 3 MiB).
    expect(after.usage.heapUsed).toBeLessThan(baseline.usage.heapUsed + 3 * 2 ** 20);
  }, 60_000);
});
