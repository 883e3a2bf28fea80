// One chaos soak run, end to end: a temp folder (or --out), canary keys per process, the seeded
// fault plan loaded into an in-process simulator on 127.0.0.1, the shared sessions (with a
// background writer appending notes and compacting each), the Baton workers, the killer for
// the run's duration, a graceful drain, then the evidence gathered and every invariant checked.
// Whatever happens, every child is killed and the simulator closed in a finally, and the temp
// folder removed unless --out asked to keep it.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { JsonlSessionStore } from "../src/session/index.ts";
import { type Simulator, startSimulator } from "../src/simulator/index.ts";
import type { SimRequest } from "./attribution.ts";
import { type CanaryKey, canaryKeys, sharedSlot } from "./canary.ts";
import { collectEvidence } from "./collect.ts";
import type { Evidence, Incarnation } from "./evidence.ts";
import { type FaultPlan, faultPlan, redactedScenario } from "./fault-plan.ts";
import { runGatewayLane } from "./gateway-client.ts";
import type { InvariantResult } from "./invariant.ts";
import { checkAll } from "./invariants/index.ts";
import { type KeyTap, startKeyTap } from "./key-tap.ts";
import { chaosSchedule, runChaos } from "./killer.ts";
import { Supervisor } from "./processes.ts";
import { Random } from "./random.ts";
import { formatReport, type RunStats } from "./report.ts";
import { sleepUnlessAborted } from "./sleep.ts";
import { batonConfig } from "./topology.ts";

export interface SoakOptions {
  readonly seed: number;
  /** Length of the load phase (setup, drain and checks come on top). */
  readonly minutes: number;
  readonly workers: number;
  /** `baton serve` processes, each driven by a client lane in this process (default 0). */
  readonly gateways?: number;
  /** Shared sessions (default: three for every four workers, at least 2). */
  readonly sessions?: number;
  /** Keep every artefact in this folder instead of a removed temp folder. */
  readonly out?: string;
  /** How long the drain waits for in-flight turns before SIGKILL (default 20 s). */
  readonly drainMs?: number;
  /** Mean time between chaos actions (default 4 s). */
  readonly chaosEveryMs?: number;
  readonly progress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Saved with --out so `soak/recheck.ts DIR` can check a kept run again. */
export interface RecheckMeta {
  readonly seed: number;
  readonly sessions: readonly string[];
  readonly workerSlots: readonly string[];
  readonly gatewaySlots: readonly string[];
  readonly incarnations: readonly Incarnation[];
  readonly keys: readonly { slot: string; provider: string; credentialId: string; hash: string }[];
}

export interface SoakOutcome {
  readonly options: SoakOptions;
  readonly results: readonly InvariantResult[];
  readonly stats: RunStats;
  readonly report: string;
  readonly evidence: Evidence;
  readonly plan: FaultPlan;
  readonly chaosLog: readonly string[];
  readonly ok: boolean;
}

async function workFolder(out: string | undefined): Promise<string> {
  if (out === undefined) return mkdtemp(join(tmpdir(), "baton-soak-"));
  const dir = resolve(out);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await readdir(dir)).length > 0)
    throw new Error(`--out ${dir} is not empty: give a new or empty folder`);
  return dir;
}

export async function runSoak(options: SoakOptions): Promise<SoakOutcome> {
  const began = Date.now();
  const progress = options.progress ?? (() => {});
  const durationMs = Math.round(options.minutes * 60_000);
  const sessionCount = options.sessions ?? Math.max(2, Math.ceil((options.workers * 3) / 4));
  const random = new Random(options.seed);
  const workDir = await workFolder(options.out);
  const logsDir = join(workDir, "logs");
  const sessionsDir = join(workDir, "sessions");
  const healthFile = join(workDir, "health", "health.json");
  let simulator: Simulator | undefined;
  let supervisor: Supervisor | undefined;
  const taps: KeyTap[] = [];
  try {
    await mkdir(logsDir, { recursive: true, mode: 0o700 });
    const workerSlots = Array.from({ length: options.workers }, (_, index) => `w${index}`);
    const gatewaySlots = Array.from({ length: options.gateways ?? 0 }, (_, index) => `g${index}`);
    const shared = canaryKeys(sharedSlot);
    const slotKeys = new Map<string, CanaryKey[]>(
      [...workerSlots, ...gatewaySlots].map((slot) => [slot, canaryKeys(slot)]),
    );
    const allKeys = [...shared, ...[...slotKeys.values()].flat()];
    const callsPerModel = Math.ceil((durationMs / 1000) * (options.workers + gatewaySlots.length) * 3) + 100;
    const plan = faultPlan(random.fork("faults"), durationMs, [...slotKeys.values()].flat(), callsPerModel);
    await writeFile(join(workDir, "scenario.json"), redactedScenario(plan.scenario, allKeys), {
      mode: 0o600,
    });
    const stamps = new Map<string, number>();
    simulator = await startSimulator({
      scenario: plan.scenario,
      onRequest: (entry) =>
        stamps.set(`${entry.provider}\u0000${entry.model}\u0000${entry.call}`, Date.now()),
    });
    const urls = new Map<string, string>();
    for (const slot of [...workerSlots, ...gatewaySlots]) {
      const own = slotKeys.get(slot) ?? [];
      const swaps = shared.map((key) => {
        const mine = own.find(
          (candidate) => candidate.provider === key.provider && candidate.credentialId === key.credentialId,
        );
        return [key.key, mine?.key ?? key.key] as const;
      });
      const tap = await startKeyTap(simulator.port, swaps);
      taps.push(tap);
      urls.set(slot, tap.url);
    }
    // Sessions only workers share get a short lease (a frozen worker is taken over and fenced);
    // sessions shared with gateways keep the default lease, which `baton serve` uses.
    const fastLeaseSessions = Array.from({ length: sessionCount }, (_, index) => `soak-${index + 1}`);
    const gatewaySessions = gatewaySlots.map((_, index) => `soak-gw-${index + 1}`);
    const sessions = [...fastLeaseSessions, ...gatewaySessions];
    const gatewayConfigs = new Map<string, string>();
    for (const slot of gatewaySlots) {
      const file = join(workDir, `gateway-${slot}.config.json`);
      const config = batonConfig(
        (provider, api) => `${urls.get(slot)}/${provider}/${api === "google-gemini" ? "v1beta" : "v1"}`,
        { sessions: sessionsDir, health: healthFile },
      );
      await writeFile(file, `${JSON.stringify(config, null, 1)}\n`, { mode: 0o600 });
      gatewayConfigs.set(slot, file);
    }
    const store = new JsonlSessionStore({ dir: sessionsDir });
    for (const id of sessions) await (await store.open(id, { create: true })).close();
    supervisor = new Supervisor({
      logsDir,
      keys: shared,
      urls,
      gatewayConfigs,
      worker: {
        seed: options.seed,
        workDir,
        sessionsDir,
        healthFile,
        sessions,
        toolChance: 0.5,
        abortChance: 0.05,
        thinkMs: [30, 250],
        leaseTimeoutMs: 4_000,
        fastLeaseSessions,
      },
      writer: { everyMs: 250, compactEveryMs: 3_000, keep: 4 },
    });
    for (const [index, session] of sessions.entries()) supervisor.startWriter(`n${index}`, session);
    for (const slot of workerSlots) supervisor.startWorker(slot);
    for (const slot of gatewaySlots) supervisor.startGateway(slot);
    progress(
      `soak: seed ${options.seed}, ${options.minutes} min, ${options.workers} workers, ${gatewaySlots.length} gateways, ${sessions.length} sessions, ${plan.scenario.faults?.length ?? 0} fault rules; simulator ${simulator.url}; work folder ${workDir}`,
    );
    const runStart = Date.now();
    const schedule = chaosSchedule(random.fork("chaos"), durationMs, {
      meanIntervalMs: options.chaosEveryMs ?? 4_000,
      freezeMs: [5_000, 7_000],
    });
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const chaos = runChaos(schedule, supervisor, runStart, stop.signal);
    const lanesStop = new AbortController();
    const live = supervisor;
    const lanes = gatewaySlots.map((slot) =>
      runGatewayLane(
        {
          slot,
          sessions: gatewaySessions,
          logFile: join(logsDir, `${slot}.lane.jsonl`),
          current: () => live.gateway(slot),
          random: random.fork(`lane/${slot}`),
          thinkMs: [30, 250],
        },
        lanesStop.signal,
      ),
    );
    for (let at = 15_000; at < durationMs && !stop.signal.aborted; at += 15_000) {
      await sleepUnlessAborted(runStart + at - Date.now(), stop.signal);
      if (!stop.signal.aborted) progress(`soak: +${at / 1000}s, ${simulator.log().length} provider requests`);
    }
    await sleepUnlessAborted(runStart + durationMs - Date.now(), stop.signal);
    stop.abort();
    const tally = await chaos;
    // Clients stop first (their last request finishes), so no request meets a draining gateway.
    lanesStop.abort();
    await Promise.all(lanes);
    options.signal?.removeEventListener("abort", onAbort);
    progress(`soak: load phase over (${tally.kills} SIGKILLs, ${tally.freezes} freezes); draining`);
    await supervisor.stopAll(options.drainMs ?? 20_000);
    for (const tap of taps.splice(0)) await tap.close();
    const logged = simulator.log();
    const requests: SimRequest[] = logged.map((entry, index) => ({
      ...entry,
      index,
      epoch: stamps.get(`${entry.provider}\u0000${entry.model}\u0000${entry.call}`) ?? runStart + entry.atMs,
    }));
    await writeFile(join(workDir, "simulator-log.json"), `${JSON.stringify(requests, null, 0)}\n`, {
      mode: 0o600,
    });
    await simulator.close();
    progress("soak: checking invariants");
    const evidence = await collectEvidence({
      seed: options.seed,
      workDir,
      logsDir,
      sessionsDir,
      sessions,
      workerSlots,
      gatewaySlots,
      incarnations: supervisor.incarnations,
      keys: allKeys,
      requests,
    });
    const results = checkAll(evidence);
    if (options.out !== undefined) {
      // What a later `soak/recheck.ts DIR` needs besides the files (key hashes only, never keys).
      const meta: RecheckMeta = {
        seed: options.seed,
        sessions,
        workerSlots,
        gatewaySlots,
        incarnations: supervisor.incarnations,
        keys: allKeys.map(({ slot, provider, credentialId, hash }) => ({
          slot,
          provider,
          credentialId,
          hash,
        })),
      };
      await writeFile(join(workDir, "recheck.json"), `${JSON.stringify(meta)}\n`, { mode: 0o600 });
    }
    const stats: RunStats = {
      seed: options.seed,
      minutes: options.minutes,
      workers: options.workers,
      gateways: gatewaySlots.length,
      sessions: sessions.length,
      turns: evidence.turns.length,
      requests: requests.filter((request) => request.model !== "").length,
      kills: tally.kills,
      freezes: tally.freezes,
      restarts: tally.restarts,
      faultRules: plan.scenario.faults?.length ?? 0,
      elapsedMs: Date.now() - began,
    };
    const report = formatReport(results, stats);
    if (options.out !== undefined) {
      await writeFile(join(workDir, "report.txt"), `${report}\n\nChaos:\n${tally.log.join("\n")}\n`, {
        mode: 0o600,
      });
    }
    const ok = results.every((result) => result.violations.length === 0);
    return { options, results, stats, report, evidence, plan, chaosLog: tally.log, ok };
  } finally {
    await supervisor?.destroy();
    for (const tap of taps) await tap.close();
    await simulator?.close();
    if (options.out === undefined) await rm(workDir, { recursive: true, force: true });
  }
}
