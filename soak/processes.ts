// Starts and supervises the soak's child processes: Baton workers (soak/worker.ts) and
// background writers (src/cli/demo/note-writer.ts, reused as is). Each incarnation gets its own
// stdout/stderr capture files and is recorded (pid, start, end, how it ended, freezes), so the
// checkers can tell a SIGKILLed turn from a crash. kill/freeze/restart are what the killer
// calls; stopAll() drains with SIGTERM; destroy() SIGKILLs whatever is left (always run in a
// finally). Children are spawned with process.execPath (the pinned Node), on 127.0.0.1 only.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CanaryKey } from "./canary.ts";
import type { Incarnation } from "./evidence.ts";
import { keyEnvName } from "./topology.ts";
import type { WorkerSpec } from "./worker.ts";

const workerScript = fileURLToPath(new URL("./worker.ts", import.meta.url));
const noteWriterScript = fileURLToPath(new URL("../src/cli/demo/note-writer.ts", import.meta.url));
const batonBin = fileURLToPath(new URL("../bin/baton.js", import.meta.url));

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export type WorkerSettings = Omit<WorkerSpec, "slot" | "inc" | "logFile" | "toolFile" | "simulatorUrl">;

export interface SupervisorOptions {
  readonly logsDir: string;
  readonly worker: WorkerSettings;
  /** The keys every worker is configured with (its tap swaps them for the slot's own). */
  readonly keys: readonly CanaryKey[];
  /** Each worker slot's way to the simulator: its key tap. */
  readonly urls: ReadonlyMap<string, string>;
  readonly writer: { readonly everyMs: number; readonly compactEveryMs: number; readonly keep: number };
  /** Each gateway slot's config file (`baton serve --config`). */
  readonly gatewayConfigs?: ReadonlyMap<string, string>;
}

interface Live {
  readonly child: ChildProcess;
  readonly incarnation: Incarnation;
  readonly exited: Promise<void>;
  intent?: "kill" | "stop";
  frozenFrom?: number;
  /** A gateway's address, once read from its stdout. */
  url?: string;
  frozenUntil?: number;
  thaw?: NodeJS.Timeout;
}

export class Supervisor {
  readonly incarnations: Incarnation[] = [];
  readonly #options: SupervisorOptions;
  readonly #live = new Map<string, Live>();
  readonly #writerSession = new Map<string, string>();
  /** Set once the run drains: crashed processes are no longer restarted. */
  #stopping = false;

  /** Last resort if the soak's own process exits without destroy(): no child outlives it. */
  readonly #onExit = (): void => {
    for (const live of this.#live.values()) live.child.kill("SIGKILL");
  };

  constructor(options: SupervisorOptions) {
    this.#options = options;
    process.once("exit", this.#onExit);
  }

  logFile(slot: string): string {
    return join(this.#options.logsDir, `${slot}.log`);
  }

  toolFile(slot: string): string {
    return join(this.#options.logsDir, `${slot}.tools.jsonl`);
  }

  liveSlots(...kinds: Incarnation["kind"][]): string[] {
    return [...this.#live.values()]
      .filter((live) => kinds.includes(live.incarnation.kind))
      .map((live) => live.incarnation.slot);
  }

  /** The running gateway of a slot, once it printed where it listens. */
  gateway(slot: string): { url: string; inc: number } | undefined {
    const live = this.#live.get(slot);
    if (live === undefined || live.incarnation.kind !== "gateway" || live.frozenUntil !== undefined)
      return undefined;
    live.url ??= /listening on (http:\/\/\S+)/.exec(readText(live.incarnation.stdoutFile))?.[1];
    return live.url === undefined ? undefined : { url: live.url, inc: live.incarnation.inc };
  }

  isFrozen(slot: string): boolean {
    return this.#live.get(slot)?.frozenUntil !== undefined;
  }

  #nextInc(slot: string): number {
    return this.incarnations.filter((incarnation) => incarnation.slot === slot).length + 1;
  }

  #spawn(
    slot: string,
    kind: Incarnation["kind"],
    args: string[],
    env: NodeJS.ProcessEnv,
    session?: string,
  ): void {
    const inc = this.#nextInc(slot);
    const stdoutFile = join(this.#options.logsDir, `${slot}.${inc}.stdout`);
    const stderrFile = join(this.#options.logsDir, `${slot}.${inc}.stderr`);
    const out = openSync(stdoutFile, "a", 0o600);
    const err = openSync(stderrFile, "a", 0o600);
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", out, err] });
    closeSync(out);
    closeSync(err);
    const incarnation: Incarnation = {
      slot,
      kind,
      ...(session === undefined ? {} : { session }),
      inc,
      pid: child.pid ?? -1,
      startedAt: Date.now(),
      end: "running",
      freezes: [],
      stdoutFile,
      stderrFile,
    };
    this.incarnations.push(incarnation);
    const exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        const live = this.#live.get(slot);
        clearTimeout(live?.thaw);
        if (live?.frozenFrom !== undefined)
          incarnation.freezes.push({ from: live.frozenFrom, until: Date.now() });
        incarnation.endedAt = Date.now();
        incarnation.exitCode = code;
        incarnation.signal = signal;
        incarnation.end =
          live?.intent === "kill" || (live?.intent === "stop" && signal === "SIGKILL")
            ? "killed"
            : live?.intent === "stop" && code === 0
              ? "stopped"
              : "crashed";
        if (this.#live.get(slot)?.child === child) this.#live.delete(slot);
        // A crash is reported by the checkers; the run goes on with a new incarnation.
        if (incarnation.end === "crashed" && !this.#stopping)
          setTimeout(() => this.#stopping || this.restart(slot), 500);
        resolve();
      });
      child.once("error", () => resolve());
    });
    this.#live.set(slot, { child, incarnation, exited });
  }

  startWorker(slot: string, inc = this.#nextInc(slot)): void {
    const simulatorUrl = this.#options.urls.get(slot);
    if (simulatorUrl === undefined) throw new Error(`no key tap for worker slot ${slot}`);
    const spec: WorkerSpec = {
      ...this.#options.worker,
      slot,
      inc,
      simulatorUrl,
      logFile: this.logFile(slot),
      toolFile: this.toolFile(slot),
    };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BATON_SOAK_WORKER: JSON.stringify(spec),
    };
    for (const key of this.#options.keys) env[keyEnvName(key)] = key.key;
    this.#spawn(slot, "worker", [workerScript], env);
  }

  /** `baton serve` on a free port of 127.0.0.1, no auth (loopback only), with the shared keys. */
  startGateway(slot: string): void {
    const config = this.#options.gatewayConfigs?.get(slot);
    if (config === undefined) throw new Error(`no config for gateway slot ${slot}`);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    for (const key of this.#options.keys) env[keyEnvName(key)] = key.key;
    const args = [
      batonBin,
      "serve",
      "--config",
      config,
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--no-auth",
      "--quiet",
    ];
    this.#spawn(slot, "gateway", [...args, "--drain-ms", "8000"], env);
  }

  startWriter(slot: string, session: string): void {
    this.#writerSession.set(slot, session);
    const { everyMs, compactEveryMs, keep } = this.#options.writer;
    const args = [
      noteWriterScript,
      ...["--dir", this.#options.worker.sessionsDir, "--id", session],
      ...[
        "--every-ms",
        String(everyMs),
        "--compact-every-ms",
        String(compactEveryMs),
        "--keep",
        String(keep),
      ],
    ];
    this.#spawn(slot, "writer", args, { PATH: process.env.PATH, HOME: process.env.HOME }, session);
  }

  /** Starts the next incarnation of a slot that is not running. */
  restart(slot: string): void {
    if (this.#live.has(slot)) return;
    const session = this.#writerSession.get(slot);
    if (session !== undefined) this.startWriter(slot, session);
    else if (this.#options.gatewayConfigs?.has(slot) === true) this.startGateway(slot);
    else this.startWorker(slot);
  }

  /** SIGKILLs the slot's process and waits for it to be gone. */
  async kill(slot: string): Promise<boolean> {
    const live = this.#live.get(slot);
    if (live === undefined) return false;
    live.intent = "kill";
    live.child.kill("SIGKILL");
    await live.exited;
    return true;
  }

  /** SIGSTOPs the slot's process for `ms`, then SIGCONTs it. */
  freeze(slot: string, ms: number): boolean {
    const live = this.#live.get(slot);
    if (live === undefined || live.frozenUntil !== undefined) return false;
    const from = Date.now();
    live.child.kill("SIGSTOP");
    live.frozenFrom = from;
    live.frozenUntil = from + ms;
    live.thaw = setTimeout(() => this.#thaw(live), ms);
    return true;
  }

  #thaw(live: Live): void {
    if (live.frozenUntil === undefined) return;
    clearTimeout(live.thaw);
    live.child.kill("SIGCONT");
    live.incarnation.freezes.push({ from: live.frozenFrom ?? Date.now(), until: Date.now() });
    live.frozenUntil = undefined;
    live.frozenFrom = undefined;
  }

  /** SIGTERM to every process (thawing frozen ones first); SIGKILL what has not exited after `graceMs`. */
  async stopAll(graceMs: number): Promise<void> {
    this.#stopping = true;
    const all = [...this.#live.values()];
    for (const live of all) {
      live.intent = "stop";
      this.#thaw(live);
      live.child.kill("SIGTERM");
    }
    const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
    await Promise.race([Promise.all(all.map((live) => live.exited)), timer]);
    for (const live of this.#live.values()) live.child.kill("SIGKILL");
    await Promise.all(all.map((live) => live.exited));
  }

  /** SIGKILLs everything still running; safe to call at any time, twice. */
  async destroy(): Promise<void> {
    this.#stopping = true;
    process.off("exit", this.#onExit);
    const all = [...this.#live.values()];
    for (const live of all) {
      clearTimeout(live.thaw);
      live.intent ??= "kill";
      live.child.kill("SIGKILL");
    }
    await Promise.race([
      Promise.all(all.map((live) => live.exited)),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
  }
}
