// Ties the simulator's request log to the workers' traced attempts. Every process slot has its
// own canary keys, so a request's key hash names the slot that sent it; within a slot turns run
// one at a time and a turn sends one request at a time, so the slot's requests and its
// attempts come in the same order. Matching walks both in time order, pairing each attempt with
// the next request to the same provider, model and credential. What is left over is reported:
// requests no attempt explains (a compaction summary is expected to be one; anything else is
// untraced traffic) and attempts the simulator never saw. Pure.
import type { SimulatorLogEntry } from "../src/simulator/index.ts";
import { type CanaryKey, sharedSlot } from "./canary.ts";
import { type AttemptView, eventsOf, type TurnView } from "./turns.ts";

/** A simulator log entry with the wall-clock time the simulator decided on it. */
export interface SimRequest extends SimulatorLogEntry {
  /** Position in the simulator's log. */
  readonly index: number;
  /** Epoch ms when the simulator decided what to do with it. */
  readonly epoch: number;
}

export interface Attribution {
  /** Attempt key (`turnId#index`) to the request it sent. */
  readonly requestOf: ReadonlyMap<string, SimRequest>;
  /** Request index to the attempt that sent it. */
  readonly attemptOf: ReadonlyMap<number, AttemptView>;
  /** Requests that no attempt explains, with why. */
  readonly unexplained: readonly {
    request: SimRequest;
    slot?: string;
    why: "no-owner" | "compaction" | "lost-trace" | "untraced";
  }[];
  /** Attempts whose request the simulator never logged (e.g. the process died before sending). */
  readonly silentAttempts: readonly AttemptView[];
}

export function attemptKey(attempt: Pick<AttemptView, "turnId" | "index">): string {
  return `${attempt.turnId}#${attempt.index}`;
}

/** Tolerance for the attempt's clock reading against the simulator's (same host clock, different event loops). */
const earlySlackMs = 20;
/** A request may be logged this long after its attempt ended (the simulator's event loop was busy). */
const lateSlackMs = 250;

function compactionWindows(turns: readonly TurnView[]): { slot: string; from: number; until: number }[] {
  const windows: { slot: string; from: number; until: number }[] = [];
  for (const turn of turns) {
    const started = eventsOf(turn, "compaction-started");
    const finished = eventsOf(turn, "compaction-finished");
    started.forEach((event, index) => {
      const end = finished[index]?.at ?? turn.end?.at ?? Number.POSITIVE_INFINITY;
      windows.push({ slot: turn.slot, from: event.at - earlySlackMs, until: end + earlySlackMs });
    });
  }
  return windows;
}

/** When an attempt was over at the latest: its end event, else the turn's next event, end, or its process's end. */
function attemptEnd(
  attempt: AttemptView,
  turn: TurnView | undefined,
  processEnds: ReadonlyMap<string, number>,
): number {
  return (
    attempt.failed?.at ??
    attempt.finished?.at ??
    attempt.nextEventAt ??
    turn?.end?.at ??
    processEnds.get(`${attempt.slot}.${attempt.inc}`) ??
    Number.POSITIVE_INFINITY
  );
}

/**
 * Pairs requests with attempts. `processEnds` maps `slot.inc` to when that process incarnation
 * ended (its in-flight attempt cannot have sent anything later).
 */
export function attribute(
  requests: readonly SimRequest[],
  keys: readonly CanaryKey[],
  turns: readonly TurnView[],
  processEnds: ReadonlyMap<string, number> = new Map(),
): Attribution {
  const owner = new Map(keys.filter((key) => key.slot !== sharedSlot).map((key) => [key.hash, key]));
  const requestOf = new Map<string, SimRequest>();
  const attemptOf = new Map<number, AttemptView>();
  const unexplained: Attribution["unexplained"][number][] = [];
  const silentAttempts: AttemptView[] = [];
  const bySlot = new Map<string, SimRequest[]>();
  for (const request of requests) {
    if (request.model === "") continue; // model listings are not attempts
    const key = owner.get(request.keyHash);
    if (key === undefined) {
      unexplained.push({ request, why: "no-owner" });
      continue;
    }
    const list = bySlot.get(key.slot) ?? [];
    list.push(request);
    bySlot.set(key.slot, list);
  }
  const attemptsBySlot = new Map<string, AttemptView[]>();
  for (const turn of turns) {
    const list = attemptsBySlot.get(turn.slot) ?? [];
    list.push(...turn.attempts);
    attemptsBySlot.set(turn.slot, list);
  }
  const compactions = compactionWindows(turns);
  // Gateway turns whose process died before writing their trace: their requests are unexplained.
  const lostTraces = turns
    .filter((turn) => turn.fromTrace && turn.events.length === 0)
    .map((turn) => ({
      slot: turn.slot,
      from: turn.startedAt - earlySlackMs,
      until:
        (turn.end?.at ?? processEnds.get(`${turn.slot}.${turn.inc}`) ?? Number.POSITIVE_INFINITY) +
        lateSlackMs,
    }));
  const turnOf = new Map(turns.map((turn) => [turn.turnId, turn]));
  for (const slot of new Set([...bySlot.keys(), ...attemptsBySlot.keys()])) {
    const slotRequests = (bySlot.get(slot) ?? []).sort((a, b) => a.epoch - b.epoch || a.index - b.index);
    const attempts = (attemptsBySlot.get(slot) ?? []).sort((a, b) => a.startedAt - b.startedAt);
    const used = new Set<number>();
    let cursor = 0;
    for (const attempt of attempts) {
      const bound = attemptEnd(attempt, turnOf.get(attempt.turnId), processEnds) + lateSlackMs;
      let matched = false;
      for (let index = cursor; index < slotRequests.length; index += 1) {
        const request = slotRequests[index] as SimRequest;
        if (request.epoch > bound) break;
        if (request.epoch < attempt.startedAt - earlySlackMs) continue;
        const key = owner.get(request.keyHash) as CanaryKey;
        if (
          request.provider !== attempt.target.provider ||
          request.model !== attempt.target.model ||
          `${key.provider}:${key.credentialId}` !== attempt.target.credentialId
        ) {
          continue;
        }
        requestOf.set(attemptKey(attempt), request);
        attemptOf.set(request.index, attempt);
        used.add(request.index);
        cursor = index + 1;
        matched = true;
        break;
      }
      if (!matched) silentAttempts.push(attempt);
    }
    for (const request of slotRequests) {
      if (used.has(request.index)) continue;
      const inCompaction = compactions.some(
        (window) => window.slot === slot && request.epoch >= window.from && request.epoch <= window.until,
      );
      const lost = lostTraces.some(
        (window) => window.slot === slot && request.epoch >= window.from && request.epoch <= window.until,
      );
      unexplained.push({
        request,
        slot,
        why: inCompaction ? "compaction" : lost ? "lost-trace" : "untraced",
      });
    }
  }
  return { requestOf, attemptOf, unexplained, silentAttempts };
}
