// The killer: a seeded schedule of chaos actions (SIGKILL a Baton process, a library worker or
// a gateway; SIGKILL a background writer; or freeze a Baton process with SIGSTOP for longer than
// the workers' short session lease, so another turn takes its session over and it must be
// fenced), and the loop that plays it against the supervisor. A killed process is restarted
// after a short delay as a new incarnation.
import type { Supervisor } from "./processes.ts";
import type { Random } from "./random.ts";
import { sleepUnlessAborted } from "./sleep.ts";

export interface ChaosAction {
  /** Ms after the run's start. */
  readonly atMs: number;
  readonly kind: "kill-baton" | "kill-writer" | "freeze-baton";
  /** Picks the victim among the live processes of that kind, in [0, 1). */
  readonly pick: number;
  readonly restartDelayMs: number;
  readonly freezeMs: number;
}

export interface ChaosOptions {
  readonly meanIntervalMs: number;
  /** Freezes must outlast the workers' lease timeout and stay under the append lock's stale time. */
  readonly freezeMs: readonly [number, number];
}

export function chaosSchedule(random: Random, durationMs: number, options: ChaosOptions): ChaosAction[] {
  const actions: ChaosAction[] = [];
  let at = random.int(1_000, Math.max(1_001, options.meanIntervalMs));
  while (at < durationMs - 1_000) {
    actions.push({
      atMs: at,
      kind: random.weighted<ChaosAction["kind"]>([
        ["kill-baton", 6],
        ["kill-writer", 1.5],
        ["freeze-baton", 1.5],
      ]),
      pick: random.next(),
      restartDelayMs: random.int(100, 700),
      freezeMs: random.int(options.freezeMs[0], options.freezeMs[1]),
    });
    at += random.int(Math.round(options.meanIntervalMs / 2), Math.round(options.meanIntervalMs * 1.5));
  }
  return actions;
}

export interface ChaosTally {
  kills: number;
  freezes: number;
  restarts: number;
  readonly log: string[];
}

/** Plays the schedule until it ends or `signal` aborts; restarts killed processes unless stopping. */
export async function runChaos(
  schedule: readonly ChaosAction[],
  supervisor: Supervisor,
  startedAt: number,
  signal: AbortSignal,
): Promise<ChaosTally> {
  const tally: ChaosTally = { kills: 0, freezes: 0, restarts: 0, log: [] };
  const pending: Promise<void>[] = [];
  for (const action of schedule) {
    await sleepUnlessAborted(startedAt + action.atMs - Date.now(), signal);
    if (signal.aborted) break;
    const kinds = action.kind === "kill-writer" ? (["writer"] as const) : (["worker", "gateway"] as const);
    const live = supervisor.liveSlots(...kinds).filter((slot) => !supervisor.isFrozen(slot));
    if (live.length === 0) continue;
    const slot = live[Math.floor(action.pick * live.length)] as string;
    const at = `+${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
    if (action.kind === "freeze-baton") {
      if (supervisor.freeze(slot, action.freezeMs)) {
        tally.freezes += 1;
        tally.log.push(`${at} freeze ${slot} for ${action.freezeMs} ms`);
      }
      continue;
    }
    tally.kills += 1;
    tally.log.push(`${at} SIGKILL ${slot}`);
    pending.push(
      supervisor.kill(slot).then(async () => {
        await sleepUnlessAborted(action.restartDelayMs, signal);
        if (signal.aborted) return;
        supervisor.restart(slot);
        tally.restarts += 1;
      }),
    );
  }
  await Promise.all(pending);
  return tally;
}
