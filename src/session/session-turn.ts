// Turn leases on a JSONL session: at most one turn at a time. Inside a process turns queue in
// order; across processes a turn waits (or fails fast with "session busy: ...") until the lease
// is free, its holder is dead, or its heartbeat expired. Taking the lease grants a larger fencing
// token and writes the turn's start entry under one append lock; every later write of the turn
// checks the token under the lock, so a turn that was taken over writes nothing more.
//
// Does not protect against: work a fenced turn did outside the transcript (tool side effects)
// before it noticed; it only keeps such a turn's writes out of the transcript.
import { randomUUID } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import type { JsonlSession, LeaseRef } from "./jsonl-session.ts";
import { isQueued, sleep, takeLocalTurn } from "./local-queue.ts";
import type { EntryDraft, TurnOutcome } from "./session-entry.ts";
import { type LeaseHolderInfo, SessionBusyError } from "./session-errors.ts";
import type { AppendResult, BeginTurnOptions, SessionTurn } from "./session-store.ts";
import {
  clearLease,
  grantLease,
  holderInfo,
  LeaseHeartbeat,
  leaseAvailability,
  readLease,
} from "./turn-lease.ts";

type GrantOutcome =
  | { readonly granted: true; readonly token: number }
  | { readonly granted: false; readonly holder: LeaseHolderInfo };

/** One attempt to take the lease, under the append lock. */
function tryGrant(session: JsonlSession, turnId: string, signal?: AbortSignal): Promise<GrantOutcome> {
  return session.serial(() =>
    session.locked(async (handle, lock) => {
      await session.syncLocked(handle);
      const state = await readLease(session.paths);
      const availability = leaseAvailability(state, session.options.leaseTimeoutMs);
      if (availability.kind === "held") {
        const holder = holderInfo(state);
        if (holder !== undefined) return { granted: false, holder };
      }
      const token = await grantLease(session.paths, state, turnId);
      const previous =
        availability.kind === "stale" && state.holder !== null
          ? `took over from turn ${state.holder.turnId} (token ${state.token}, pid ${state.holder.pid}): ${availability.why}`
          : undefined;
      const start = session.build(
        [
          {
            type: "turn",
            turnId,
            phase: "start",
            token,
            ...(previous === undefined ? {} : { detail: previous }),
          },
        ],
        turnId,
      );
      await session.writeEntries(handle, lock, start);
      return { granted: true, token };
    }, signal),
  );
}

async function busyError(session: JsonlSession, waited: boolean): Promise<SessionBusyError> {
  const holder = holderInfo(await readLease(session.paths));
  return new SessionBusyError(
    session.id,
    holder ?? {
      turnId: "(a turn starting in this process)",
      pid: process.pid,
      hostname: "",
      acquiredAt: new Date().toISOString(),
      token: 0,
    },
    waited,
  );
}

/** Waits for earlier turns of this process on the same session, within the caller's limits. */
async function takeLocalPlace(session: JsonlSession, options: BeginTurnOptions): Promise<() => void> {
  const key = `turn:${session.paths.file}`;
  if (options.wait === false && isQueued(key)) throw await busyError(session, false);
  const limits = [
    options.signal,
    options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
  ];
  const present = limits.filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = present.length === 0 ? undefined : AbortSignal.any(present);
  try {
    return await takeLocalTurn(key, signal);
  } catch (error) {
    if (options.signal?.aborted !== true) throw await busyError(session, true);
    throw error;
  }
}

export async function beginTurn(session: JsonlSession, options: BeginTurnOptions): Promise<SessionTurn> {
  const turnId = options.turnId ?? randomUUID();
  if (turnId.length === 0) throw new TypeError("beginTurn: turnId must be a non-empty string");
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const leave = await takeLocalPlace(session, options);
  try {
    for (;;) {
      const outcome = await tryGrant(session, turnId, options.signal);
      if (outcome.granted) return new JsonlTurn(session, { turnId, token: outcome.token }, leave);
      if (options.wait === false) throw new SessionBusyError(session.id, outcome.holder, false);
      if (Date.now() >= deadline) throw new SessionBusyError(session.id, outcome.holder, true);
      const pause = Math.min(session.options.leasePollMs, Math.max(1, deadline - Date.now()));
      await sleep(pause * (0.75 + Math.random() / 2), options.signal);
    }
  } catch (error) {
    leave();
    throw error;
  }
}

class JsonlTurn implements SessionTurn {
  readonly turnId: string;
  readonly token: number;
  private readonly session: JsonlSession;
  private readonly lease: LeaseRef;
  private readonly heartbeat: LeaseHeartbeat;
  private readonly leaveQueue: () => void;
  private finished = false;

  constructor(session: JsonlSession, lease: LeaseRef, leaveQueue: () => void) {
    this.session = session;
    this.lease = lease;
    this.turnId = lease.turnId;
    this.token = lease.token;
    this.leaveQueue = leaveQueue;
    this.heartbeat = new LeaseHeartbeat(session.paths, lease.token, session.options.leaseHeartbeatMs);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.heartbeat.stop();
    this.leaveQueue();
  }

  private assertOpen(action: string): void {
    if (this.finished) throw new Error(`turn ${this.turnId} has already ended; cannot ${action}`);
  }

  append(drafts: readonly EntryDraft[]): Promise<AppendResult> {
    this.assertOpen("append");
    return this.session.commit(drafts, this.lease);
  }

  async end(outcome: TurnOutcome, detail?: string): Promise<AppendResult> {
    this.assertOpen("end it again");
    const draft = { type: "turn" as const, turnId: this.turnId, phase: "end" as const, outcome };
    try {
      return await this.session.commit(
        [detail === undefined ? draft : { ...draft, detail }],
        this.lease,
        async (handle: FileHandle) => {
          await this.session.flush(handle);
          await clearLease(this.session.paths, this.token);
        },
      );
    } finally {
      this.finish();
    }
  }

  async release(): Promise<void> {
    if (this.finished) return;
    try {
      await this.session.serial(() => this.session.locked(() => clearLease(this.session.paths, this.token)));
    } finally {
      this.finish();
    }
  }
}
