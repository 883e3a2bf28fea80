// A soak worker: one Baton library process running turns in a loop until SIGTERM, through
// createBaton with the shared health file and sessions folder. Each turn picks a session (shared
// with other workers and background writers), sends a unique message, sometimes offers a tool
// (whose executions go to a file with the tool-call id) and sometimes aborts itself. Every
// record is written synchronously to its own log (worker-log.ts), so a SIGKILL loses nothing
// that was already acknowledged. Keys come from the environment only and are never written.
// Started by soak/processes.ts with the spec (no secrets) in BATON_SOAK_WORKER.
import { openSync, writeSync } from "node:fs";
import { z } from "zod";
import { JsonlSessionStore } from "../src/session/index.ts";
import { createBaton } from "../src/turn/create-baton.ts";
import { defineTool } from "../src/turn/tool.ts";
import { TurnError } from "../src/turn/turn-error.ts";
import type { TurnEvent } from "../src/turn/turn-event.ts";
import { Random } from "./random.ts";
import { recordingStore } from "./recording-store.ts";
import { routedStore } from "./routed-store.ts";
import { allCredentials, batonConfig, keyEnvName, soakToolName } from "./topology.ts";
import type { ToolExecution, WorkerRecord } from "./worker-log.ts";

export interface WorkerSpec {
  readonly slot: string;
  readonly inc: number;
  readonly seed: number;
  readonly simulatorUrl: string;
  readonly workDir: string;
  readonly sessionsDir: string;
  readonly healthFile: string;
  readonly sessions: readonly string[];
  readonly logFile: string;
  readonly toolFile: string;
  readonly toolChance: number;
  readonly abortChance: number;
  readonly thinkMs: readonly [number, number];
  /** Turn-lease timeout for `fastLeaseSessions` (shared by workers only); the others keep the default. */
  readonly leaseTimeoutMs: number;
  readonly fastLeaseSessions: readonly string[];
}

const spec = JSON.parse(process.env.BATON_SOAK_WORKER ?? "null") as WorkerSpec | null;
if (spec === null) {
  process.stderr.write("soak worker: BATON_SOAK_WORKER is not set; this script is started by soak/run.ts\n");
  process.exit(2);
}
const { slot, inc } = spec;
const logFd = openSync(spec.logFile, "a", 0o600);
const toolFd = openSync(spec.toolFile, "a", 0o600);
const write = (record: WorkerRecord): void => {
  writeSync(logFd, `${JSON.stringify(record)}\n`);
};

let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});
// If the soak itself dies, do not live on as an orphan.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(3);
}, 1_000).unref();

const env: Record<string, string> = {};
for (const ref of allCredentials()) {
  const value = process.env[keyEnvName(ref)];
  if (value !== undefined) env[keyEnvName(ref)] = value;
}
const random = new Random(spec.seed, `worker/${slot}/${inc}`);
const fastLease = new JsonlSessionStore({
  dir: spec.sessionsDir,
  durability: "turn-end",
  leaseTimeoutMs: spec.leaseTimeoutMs,
  leasePollMs: 50,
});
const defaultLease = new JsonlSessionStore({
  dir: spec.sessionsDir,
  durability: "turn-end",
  leasePollMs: 50,
});
const store = recordingStore(
  routedStore((id) => (spec.fastLeaseSessions.includes(id) ? fastLease : defaultLease), defaultLease),
  ({ sessionId, turnId, entries }) =>
    write({
      t: "ack",
      slot,
      inc,
      at: Date.now(),
      sessionId,
      ...(turnId === undefined ? {} : { turnId }),
      entries: entries.map((entry) => ({ seq: entry.seq, id: entry.id, type: entry.type })),
    }),
);
const baton = await createBaton({
  config: batonConfig(
    (provider, api) => `${spec.simulatorUrl}/${provider}/${api === "google-gemini" ? "v1beta" : "v1"}`,
    { sessions: spec.sessionsDir, health: spec.healthFile },
  ),
  env,
  cwd: spec.workDir,
  store,
});

let currentTurn = "";
const tool = defineTool({
  name: soakToolName,
  description: "Records that this step ran (the soak checks no call runs twice).",
  input: z.object({}),
  execute: async (_input, context) => {
    const execution: ToolExecution = {
      slot,
      inc,
      turnId: currentTurn,
      toolCallId: context.toolCallId,
      at: Date.now(),
    };
    writeSync(toolFd, `${JSON.stringify(execution)}\n`);
    return `recorded ${context.toolCallId}`;
  },
});

write({ t: "start", slot, inc, at: Date.now(), pid: process.pid });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function runOneTurn(n: number): Promise<void> {
  const sessionId = random.pick(spec?.sessions ?? []);
  const message = `soak ${slot}.${inc} turn ${n} ${random.int(100_000, 999_999)}`;
  const tools = random.chance(spec?.toolChance ?? 0);
  const abortAfterMs = random.chance(spec?.abortChance ?? 0) ? random.int(20, 2_500) : undefined;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stepVisible = "";
  const onEvent = (event: TurnEvent): void => {
    if (event.type === "turn-started") {
      currentTurn = event.turnId;
      write({
        t: "turn-start",
        slot,
        inc,
        at: event.at,
        turnId: event.turnId,
        sessionId,
        message,
        tools,
        ...(abortAfterMs === undefined ? {} : { abortAfterMs }),
      });
      if (abortAfterMs !== undefined) {
        const turnId = event.turnId;
        timer = setTimeout(() => {
          write({ t: "abort", slot, inc, at: Date.now(), turnId });
          controller.abort();
        }, abortAfterMs);
      }
      return;
    }
    if (event.type === "step-started") stepVisible = "";
    if (event.type === "attempt-discarded") stepVisible = "";
    if (event.type === "text-delta") {
      stepVisible += event.text;
      return;
    }
    if (event.type === "reasoning-delta") return;
    write({ t: "event", slot, inc, at: Date.now(), turnId: currentTurn, event });
  };
  const run = baton.run({
    message,
    sessionId,
    signal: controller.signal,
    onEvent,
    ...(tools ? { tools: [tool] } : {}),
  });
  try {
    const result = await run.result;
    write({
      t: "turn-end",
      slot,
      inc,
      at: Date.now(),
      turnId: run.turnId,
      sessionId,
      ok: true,
      text: result.text,
      visibleText: stepVisible,
      served: result.served,
      finishReason: result.finishReason,
      steps: result.steps,
      toolCalls: result.toolCalls.map((call) => call.toolCallId),
    });
  } catch (error) {
    const summary = TurnError.isInstance(error)
      ? {
          kind: error.kind,
          reason: error.reason,
          scope: error.scope,
          message: error.message.split("\n", 1)[0] ?? "",
          ...(error.sideFile === undefined ? {} : { sideFile: error.sideFile }),
        }
      : { kind: "not-a-turn-error", reason: "internal", scope: "runtime", message: String(error) };
    write({
      t: "turn-end",
      slot,
      inc,
      at: Date.now(),
      turnId: run.turnId,
      sessionId,
      ok: false,
      error: summary,
    });
  } finally {
    clearTimeout(timer);
  }
}

for (let n = 1; !stopping; n += 1) {
  await runOneTurn(n);
  if (!stopping) await sleep(random.int(spec.thinkMs[0], spec.thinkMs[1]));
}
write({ t: "stop", slot, inc, at: Date.now() });
process.exit(0);
