// Rebuilds each turn from a worker's records: its start, events in order, attempts (with the
// moment the engine last decided before sending, and how each ended), acknowledged entries,
// an abort if the worker aborted it, and its end (absent when the process died mid-turn).
// Pure: records in, views out.
import type { AttemptFailed, AttemptFinished, TraceEvent } from "../src/trace/trace-event.ts";
import type { TurnEvent } from "../src/turn/turn-event.ts";
import type { AckedEntry, TurnEndRecord, WorkerRecord } from "./worker-log.ts";

export interface AttemptView {
  readonly turnId: string;
  readonly slot: string;
  readonly inc: number;
  /** 0-based across the whole turn (attempt numbers restart with each step). */
  readonly index: number;
  readonly step: number;
  readonly number: number;
  readonly target: { provider: string; model: string; credentialId: string; api: string };
  readonly startedAt: number;
  /** When the engine last read health and decided before this attempt (the decision-made event). */
  readonly decidedAt: number;
  failed?: AttemptFailed;
  finished?: AttemptFinished;
  /** The time of the next event of the turn after this attempt began, if any. */
  nextEventAt?: number;
}

export interface TurnView {
  readonly slot: string;
  readonly inc: number;
  readonly turnId: string;
  readonly sessionId: string;
  readonly message: string;
  readonly tools: boolean;
  readonly startedAt: number;
  readonly abortAfterMs?: number;
  /** A gateway turn, rebuilt from the session's trace file (none if its process died mid-turn). */
  readonly fromTrace: boolean;
  abortedAt?: number;
  readonly events: TurnEvent[];
  readonly attempts: AttemptView[];
  readonly acks: AckedEntry[];
  end?: TurnEndRecord;
}

type Timed = TraceEvent | TurnEvent;

/** Groups records into turns (by turn id), in the order they started. */
export function buildTurns(records: readonly WorkerRecord[]): TurnView[] {
  const turns = new Map<string, TurnView>();
  const steps = new Map<string, number>();
  const decided = new Map<string, number>();
  for (const record of records) {
    if (record.t === "turn-start") {
      turns.set(record.turnId, {
        slot: record.slot,
        inc: record.inc,
        turnId: record.turnId,
        sessionId: record.sessionId,
        message: record.message,
        tools: record.tools,
        fromTrace: record.fromTrace === true,
        startedAt: record.at,
        ...(record.abortAfterMs === undefined ? {} : { abortAfterMs: record.abortAfterMs }),
        events: [],
        attempts: [],
        acks: [],
      });
      continue;
    }
    if (record.t === "stop" || record.t === "start") continue;
    const turn = record.turnId === undefined ? undefined : turns.get(record.turnId);
    if (turn === undefined) continue;
    if (record.t === "ack") turn.acks.push(...record.entries);
    else if (record.t === "abort") turn.abortedAt = record.at;
    else if (record.t === "turn-end") turn.end = record;
    else addEvent(turn, record.event, steps, decided);
  }
  return [...turns.values()];
}

function addEvent(
  turn: TurnView,
  event: Timed,
  steps: Map<string, number>,
  decided: Map<string, number>,
): void {
  const last = turn.attempts.at(-1);
  if (last !== undefined && last.nextEventAt === undefined && event.type !== "attempt-started") {
    last.nextEventAt = event.at;
  }
  turn.events.push(event as TurnEvent);
  switch (event.type) {
    case "step-started":
      steps.set(turn.turnId, event.step);
      return;
    case "decision-made":
      decided.set(turn.turnId, event.at);
      return;
    case "attempt-started":
      if (last !== undefined && last.nextEventAt === undefined) last.nextEventAt = event.at;
      turn.attempts.push({
        turnId: turn.turnId,
        slot: turn.slot,
        inc: turn.inc,
        index: turn.attempts.length,
        step: steps.get(turn.turnId) ?? 1,
        number: event.attempt,
        target: event.target,
        startedAt: event.at,
        decidedAt: decided.get(turn.turnId) ?? event.at,
      });
      return;
    case "attempt-failed":
      if (last !== undefined && last.number === event.attempt) last.failed = event;
      return;
    case "attempt-finished":
      if (last !== undefined && last.number === event.attempt) last.finished = event;
      return;
    default:
      return;
  }
}

/** Events of one type, typed. */
export function eventsOf<T extends Timed["type"]>(
  turn: TurnView,
  type: T,
): Extract<TurnEvent, { type: T }>[] {
  return turn.events.filter((event): event is Extract<TurnEvent, { type: T }> => event.type === type);
}

/** The events of the turn's last step (from its last step-started on). */
export function lastStepEvents(turn: TurnView): TurnEvent[] {
  const from = turn.events.findLastIndex((event) => event.type === "step-started");
  return from === -1 ? turn.events : turn.events.slice(from);
}
