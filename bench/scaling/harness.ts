// What the scaling benchmark measures with: a Baton whose one provider is the simulator and
// whose fetch records each model request, a replay of a recorded request straight to the
// simulator with plain fetch and a minimal SSE parser (the baseline a turn's overhead is
// measured against), and a closed-loop runner for N concurrent workers.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Simulator } from "../../src/simulator/index.ts";
import { type Baton, createBaton } from "../../src/turn/create-baton.ts";
import { readChatStreamText } from "../plain-sse.ts";

/** A model request as the adapter sent it. */
export interface RecordedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface BenchBaton {
  readonly baton: Baton;
  /** Requests recorded since the last `take()`, oldest first. */
  take(): RecordedRequest[];
}

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, key) => {
    record[key] = value;
  });
  return record;
}

/**
 * A Baton over the simulator with sessions and health state in `dir` (durability `turn-end`,
 * the config default: one fsync when a turn ends).
 */
export async function benchBaton(simulator: Simulator, dir: string): Promise<BenchBaton> {
  await mkdir(dir, { recursive: true });
  let recorded: RecordedRequest[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (typeof init?.body === "string")
      recorded.push({ url, headers: headerRecord(init.headers), body: init.body });
    return fetch(input, init);
  };
  const baton = await createBaton({
    cwd: dir,
    fetch: recordingFetch,
    config: {
      providers: {
        deepseek: {
          api: "openai-chat",
          baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
          credentials: [{ id: "main", apiKey: "sk-bench" }],
        },
      },
      chains: { default: ["deepseek/deepseek-v4-pro"] },
      sessions: { dir: join(dir, "sessions"), durability: "turn-end" },
      health: { file: join(dir, "health.json") },
    },
  });
  return {
    baton,
    take: () => {
      const taken = recorded;
      recorded = [];
      return taken;
    },
  };
}

/** Runs one turn on `sessionId` and returns its wall time in ms. */
export async function timedTurn(baton: Baton, sessionId: string, message: string): Promise<number> {
  const started = performance.now();
  const result = await baton.run({ sessionId, message }).result;
  const elapsed = performance.now() - started;
  if (result.text.length === 0) throw new Error(`turn on ${sessionId} returned no text`);
  return elapsed;
}

/** Sends a recorded request straight to the simulator, reads the SSE stream, returns ms. */
export async function timedDirect(request: RecordedRequest): Promise<number> {
  const started = performance.now();
  const response = await fetch(request.url, { method: "POST", headers: request.headers, body: request.body });
  if (!response.ok || response.body === null)
    throw new Error(`direct request failed: HTTP ${response.status}`);
  const text = await readChatStreamText(response.body as AsyncIterable<Uint8Array>);
  const elapsed = performance.now() - started;
  if (text.length === 0) throw new Error("direct request returned no text");
  return elapsed;
}

export interface LoopResult {
  /** Every operation's latency in ms. */
  readonly samples: number[];
  /** Wall time of the whole loop in seconds. */
  readonly seconds: number;
  /** CPU time (user + system, all threads of the process) the whole loop used, in ms. */
  readonly cpuMs: number;
}

/**
 * Runs `workers` loops at once; loop `w` calls `operation(w, i)` for i = 0..perWorker-1, one
 * after the other (closed loop: a worker starts its next operation when the last one ends).
 */
export async function closedLoop(
  workers: number,
  perWorker: number,
  operation: (worker: number, index: number) => Promise<number>,
): Promise<LoopResult> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let index = 0; index < perWorker; index += 1) samples.push(await operation(worker, index));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { samples, seconds, cpuMs: (used.user + used.system) / 1000 };
}
