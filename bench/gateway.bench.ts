// Gateway overhead, Baton versus Portkey, side by side in one run: the same chat completion
// sent straight to the simulator, through `baton serve`, and through the Portkey gateway
// (@portkey-ai/gateway from npm) with an equivalent fallback config, at concurrency 1 and 64;
// p50/p99 latency, the latency each gateway adds over the direct call, and requests per second.
// Every server runs in its own child process (simulator included), so the load generator here
// competes with them the same way for each target. Healthy and failover paths, JSON and SSE.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { canonicalReplyText } from "../src/simulator/index.ts";
import { type BenchGoal, type BenchTable, percentile } from "./table.ts";

const seconds = Number(process.env.BATON_BENCH_GATEWAY_SECONDS ?? 3);
const warmupSeconds = 0.5;
const root = fileURLToPath(new URL("..", import.meta.url));
const batonBin = join(root, "bin/baton.js");
const portkeyServer = join(root, "node_modules/@portkey-ai/gateway/build/start-server.js");

// Portkey 1.15.2 wraps the provider's fetch Response in @hono/node-server's Response, which
// reuses the fetch Response's immutable Headers; its streaming path then appends a header and
// throws `TypeError: immutable` ("Something went wrong" to the client). This preload hands it
// fetch responses with ordinary mutable headers. Used only for Portkey's streaming rows.
const portkeyFetchShim = `const original = globalThis.fetch;
const NativeResponse = globalThis.Response;
globalThis.fetch = async (...args) => {
  const response = await original(...args);
  return new NativeResponse(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
};
`;

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

function startChild(
  args: readonly string[],
  ready: RegExp,
  urlOf: (match: RegExpExecArray) => string,
): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: string): void => {
      output += chunk;
      const match = ready.exec(output);
      if (match !== null) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ url: urlOf(match), child });
      }
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.once("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited ${code}: ${output.slice(-2000)}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly model: string;
}

interface Sample {
  readonly latencies: number[];
  errors: number;
  ms: number;
}

/** One POST; resolves with true when the answer is whole (JSON with the canonical text, or SSE ending in [DONE]). */
function post(agent: Agent, target: Target, stream: boolean): Promise<boolean> {
  const body = JSON.stringify({ model: target.model, stream, messages: [{ role: "user", content: "hi" }] });
  return new Promise((resolve) => {
    const outgoing = request(
      target.url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...target.headers,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          const whole = stream
            ? text.trimEnd().endsWith("data: [DONE]") && text.includes('"finish_reason":"stop"')
            : text.includes(canonicalReplyText);
          resolve(response.statusCode === 200 && whole);
        });
        response.on("error", () => resolve(false));
      },
    );
    outgoing.on("error", () => resolve(false));
    outgoing.end(body);
  });
}

/**
 * Runs `concurrency` clients against a target for `durationMs` on the given keep-alive agent.
 * The agent (and so its connections) lives across the warm-up and every slice of a row: opening
 * 64 connections at once costs up to ~0.5 s on this machine, and a new agent per slice put that
 * burst into every slice's first requests (about 1 sample in 8 at concurrency 64), so p99 measured
 * connection setup, weighted against whichever target answered fewer requests.
 */
async function load(
  target: Target,
  agent: Agent,
  concurrency: number,
  stream: boolean,
  durationMs: number,
  into?: Sample,
): Promise<Sample> {
  const sample: Sample = into ?? { latencies: [], errors: 0, ms: 0 };
  const started = performance.now();
  const end = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const begun = performance.now();
      const ok = await post(agent, target, stream);
      if (ok) sample.latencies.push(performance.now() - begun);
      else sample.errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.ms += performance.now() - started;
  return sample;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Slices per target and concurrency: the targets take turns, so a busy moment hits them alike. */
const rounds = 6;

async function table(
  title: string,
  command: string,
  reference: Target,
  gateways: readonly [Target, Target],
  stream: boolean,
  notes: readonly string[],
): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const goals: BenchGoal[] = [];
  const targets = [reference, ...gateways];
  for (const concurrency of [1, 64]) {
    const samples = new Map<Target, Sample>(
      targets.map((target) => [target, { latencies: [], errors: 0, ms: 0 }]),
    );
    const agents = new Map<Target, Agent>(
      targets.map((target) => [target, new Agent({ keepAlive: true, maxSockets: concurrency })]),
    );
    const agentOf = (target: Target): Agent => agents.get(target) as Agent;
    for (const target of targets)
      await load(target, agentOf(target), concurrency, stream, warmupSeconds * 1000);
    for (let turn = 0; turn < rounds; turn += 1) {
      for (const target of targets) {
        await load(
          target,
          agentOf(target),
          concurrency,
          stream,
          (seconds * 1000) / rounds,
          samples.get(target),
        );
      }
    }
    for (const agent of agents.values()) agent.destroy();
    const base = samples.get(reference) as Sample;
    const figures = new Map<Target, { p99Added: number; rps: number }>();
    for (const target of targets) {
      const sample = samples.get(target) as Sample;
      const p50 = percentile(sample.latencies, 50);
      const p99 = percentile(sample.latencies, 99);
      const direct = target === reference;
      const rps = Math.round(sample.latencies.length / (sample.ms / 1000));
      figures.set(target, { p99Added: p99 - percentile(base.latencies, 99), rps });
      rows.push([
        target.name,
        concurrency,
        sample.latencies.length,
        sample.errors,
        round(p50),
        round(p99),
        direct ? "-" : round(p50 - percentile(base.latencies, 50)),
        direct ? "-" : round(p99 - percentile(base.latencies, 99)),
        rps,
      ]);
    }
    const [batonFigures, portkeyFigures] = gateways.map((target) => figures.get(target)) as [
      { p99Added: number; rps: number },
      { p99Added: number; rps: number },
    ];
    goals.push({
      name: `Gateway vs Portkey, ${title.split(",").slice(1).join(",").trim()}, concurrency ${concurrency}: p99 added and req/s`,
      target: "Baton: lower p99 added, higher req/s",
      measured: `p99 added ${round(batonFigures.p99Added)} vs ${round(portkeyFigures.p99Added)} ms; ${batonFigures.rps} vs ${portkeyFigures.rps} req/s`,
      met: batonFigures.p99Added < portkeyFigures.p99Added && batonFigures.rps > portkeyFigures.rps,
    });
  }
  return {
    title,
    command,
    columns: [
      "target",
      "concurrency",
      "requests",
      "errors",
      "p50 ms",
      "p99 ms",
      "p50 added ms",
      "p99 added ms",
      "req/s",
    ],
    rows,
    notes,
    goals,
  };
}

export async function run(): Promise<BenchTable[]> {
  const dir = await mkdtemp(join(tmpdir(), "baton-bench-gateway-"));
  const servers: ChildProcess[] = [];
  try {
    const scenarioFile = join(dir, "scenario.json");
    await writeFile(
      scenarioFile,
      JSON.stringify({
        faults: [
          {
            match: { provider: "exhausted" },
            fault: { kind: "http-error", error: "openai.usage_limit_reached" },
          },
        ],
      }),
    );
    const simulator = await startChild(
      [batonBin, "simulate", "--scenario", scenarioFile, "--port", "0", "--quiet"],
      /listening on (http:\/\/\S+)/,
      (match) => match[1] as string,
    );
    servers.push(simulator.child);
    const keys = {
      openai: "sk-bench-openai",
      deepseek: "sk-bench-deepseek",
      exhausted: "sk-bench-exhausted",
    };
    const provider = (name: keyof typeof keys) => ({
      api: "openai-chat",
      baseUrl: `${simulator.url}/${name}/v1`,
      credentials: [{ id: "main", apiKey: keys[name] }],
    });
    const configFile = join(dir, "baton.config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        providers: {
          openai: provider("openai"),
          deepseek: provider("deepseek"),
          exhausted: provider("exhausted"),
        },
        chains: {
          default: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro"],
          failover: ["exhausted/gpt-5.5", "deepseek/deepseek-v4-pro"],
        },
        sessions: { dir: join(dir, "sessions") },
        health: { file: join(dir, "health.json") },
      }),
    );
    const baton = await startChild(
      [batonBin, "serve", "--config", configFile, "--port", "0", "--no-auth", "--quiet"],
      /listening on (http:\/\/\S+)/,
      (match) => match[1] as string,
    );
    servers.push(baton.child);
    const portkeyPort = await freePort();
    const portkey = await startChild(
      [portkeyServer, `--port=${portkeyPort}`, "--headless"],
      /Ready for connections/,
      () => `http://127.0.0.1:${portkeyPort}`,
    );
    servers.push(portkey.child);
    const shimFile = join(dir, "portkey-fetch-shim.mjs");
    await writeFile(shimFile, portkeyFetchShim);
    const shimmedPort = await freePort();
    const portkeyShimmed = await startChild(
      ["--import", shimFile, portkeyServer, `--port=${shimmedPort}`, "--headless"],
      /Ready for connections/,
      () => `http://127.0.0.1:${shimmedPort}`,
    );
    servers.push(portkeyShimmed.child);

    const target = (name: keyof typeof keys, model: string) => ({
      provider: "openai",
      api_key: keys[name],
      custom_host: `${simulator.url}/${name}/v1`,
      override_params: { model },
    });
    const portkeyConfig = (primary: keyof typeof keys) =>
      JSON.stringify({
        strategy: { mode: "fallback" },
        targets: [target(primary, "gpt-5.5"), target("deepseek", "deepseek-v4-pro")],
      });
    const direct = (name: keyof typeof keys, model: string): Target => ({
      name: `direct to the simulator (${name}/${model})`,
      url: `${simulator.url}/${name}/v1/chat/completions`,
      headers: { authorization: `Bearer ${keys[name]}` },
      model,
    });
    const batonTarget = (chain: string): Target => ({
      name: "Baton (baton serve)",
      url: `${baton.url}/v1/chat/completions`,
      headers: {},
      model: `baton/${chain}`,
    });
    const portkeyTarget = (primary: keyof typeof keys, url: string, label: string): Target => ({
      name: label,
      url: `${url}/v1/chat/completions`,
      headers: { "x-portkey-config": portkeyConfig(primary) },
      model: "gpt-5.5",
    });

    const common = [
      "Goal: lower p99 overhead and higher throughput than Portkey on this machine. 'added' = gateway percentile minus the direct call's percentile at the same concurrency.",
      `Every server is a child process on loopback, sharing the machine's CPUs with the load generator; ${seconds} s per row in ${rounds} slices taken in turn with the other targets, after ${warmupSeconds} s of warm-up; keep-alive connections, opened during the warm-up and kept by each target's client for the whole row. Baton: no auth (--no-auth), file health registry, default policy.`,
      `Load average (1 min) when this run started: ${loadavg()[0]?.toFixed(2)} on ${cpus().length} CPUs; other work on the machine moves these numbers.`,
      'Portkey @portkey-ai/gateway 1.15.2 (node build/start-server.js --headless), config sent per request in x-portkey-config: {strategy: {mode: "fallback"}, targets: [primary, deepseek]} with custom_host pointing at the simulator.',
    ];
    const healthyJson = await table(
      "Gateway overhead, healthy primary, non-streaming (JSON)",
      "npm run bench -- gateway",
      direct("openai", "gpt-5.5"),
      [batonTarget("default"), portkeyTarget("openai", portkey.url, "Portkey gateway")],
      false,
      common,
    );
    const healthyStream = await table(
      "Gateway overhead, healthy primary, streaming (SSE, time to the last byte)",
      "npm run bench -- gateway",
      direct("openai", "gpt-5.5"),
      [batonTarget("default"), portkeyTarget("openai", portkeyShimmed.url, "Portkey gateway (+fetch shim)")],
      true,
      [
        ...common,
        "Portkey streaming fails as installed here (Node 24, @hono/node-server 1.19 hoisted): it appends a header to the provider response's immutable Headers and answers 'Something went wrong'. Its streaming rows run with a preload that gives it mutable fetch-response headers (bench/gateway.bench.ts, portkeyFetchShim); nothing else is changed.",
        "Portkey's OpenAI stream transformer waits 25 ms before forwarding the first chunk (a setTimeout in its stream reader), which shows in its streaming latency.",
      ],
    );
    const failover = await table(
      "Failover: primary answers every request with a quota 429 (usage_limit_reached), fallback healthy, non-streaming",
      "npm run bench -- gateway",
      direct("deepseek", "deepseek-v4-pro"),
      [batonTarget("failover"), portkeyTarget("exhausted", portkey.url, "Portkey gateway")],
      false,
      [
        "'added' is over a direct call to the fallback. Baton cools the exhausted credential after the first 429 and sends it nothing more until the reset; Portkey (fallback on any non-2xx) asks the exhausted primary first on every request.",
      ],
    );
    return [healthyJson, healthyStream, failover];
  } finally {
    for (const child of servers) child.kill("SIGTERM");
    await Promise.all(
      servers.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : Promise.resolve(),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  }
}
