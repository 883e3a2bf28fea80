// The health of one key and how events change it: cooldowns (from a provider hint, else
// exponential per key with a cap), the consecutive-failure breaker with its half-open probe,
// and success. Pure data and pure functions; every registry applies events through here, so
// the in-memory view, the state file and decide()'s prediction agree.
//
// Invariants: a cooldown is never shortened by any event (`until` only grows, except that it
// is kept as-is by a success); events carry the rule they were decided under, so applying an
// event needs no policy and processes with different policies can share one store.
import type { FailureReason } from "../failover/failure.ts";
import { type HealthKey, healthKeyId } from "./health-key.ts";

export type BreakerState = "closed" | "open";

export interface ProbeLease {
  /** The turn holding the half-open probe. */
  readonly owner: string;
  /** The lease ends here even if the owner never reports back (crash). */
  readonly until: number;
}

export interface KeyHealth {
  /** Cooling until this time (epoch ms); at or before `now` means not cooling. */
  readonly until: number;
  /** The reason behind the cooldown that set `until`. */
  readonly reason?: FailureReason;
  /** Consecutive cooldowns without a success: the exponent of the next default cooldown. */
  readonly strikes: number;
  /** Consecutive counted failures (breaker), within the breaker window. */
  readonly failures: number;
  readonly lastFailureAt?: number;
  /** `open` while cooling; once `until` passes the key is half-open and admits one probe. */
  readonly breaker: BreakerState;
  readonly probe?: ProbeLease;
  readonly updatedAt: number;
}

export interface CooldownRule {
  readonly baseMs: number;
  readonly capMs: number;
}

export interface BreakerRule extends CooldownRule {
  /** Consecutive counted failures that open the breaker. */
  readonly threshold: number;
  /** Failures further apart than this do not count as consecutive. */
  readonly windowMs: number;
}

export type HealthEvent =
  | {
      readonly type: "cooldown";
      readonly key: HealthKey;
      readonly at: number;
      readonly reason: FailureReason;
      /** The provider's reset time, when it gave one; else the rule decides. */
      readonly until?: number;
      readonly rule: CooldownRule;
    }
  | {
      readonly type: "failure-counted";
      readonly key: HealthKey;
      readonly at: number;
      readonly reason: FailureReason;
      readonly rule: BreakerRule;
    }
  | { readonly type: "success"; readonly key: HealthKey; readonly at: number }
  | {
      readonly type: "probe-claimed";
      readonly key: HealthKey;
      readonly at: number;
      readonly owner: string;
      readonly until: number;
    }
  | { readonly type: "probe-released"; readonly key: HealthKey; readonly at: number; readonly owner: string };

export type HealthChange =
  | {
      readonly type: "cooldown-started";
      readonly key: HealthKey;
      readonly until: number;
      readonly reason: FailureReason;
      readonly source: "provider-hint" | "default";
    }
  | {
      readonly type: "breaker-opened";
      readonly key: HealthKey;
      readonly until: number;
      readonly reason: FailureReason;
    }
  | { readonly type: "breaker-closed"; readonly key: HealthKey };

/** Entries by key id. Missing means healthy. */
export type HealthSnapshot = ReadonlyMap<string, KeyHealth>;

export const emptyHealth: HealthSnapshot = new Map();

const fresh: KeyHealth = { until: 0, strikes: 0, failures: 0, breaker: "closed", updatedAt: 0 };

/** Exponential cooldown: base * 2^strikes, capped. */
export function cooldownLength(rule: CooldownRule, strikes: number): number {
  return Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(strikes, 40));
}

function extend(entry: KeyHealth, until: number, reason: FailureReason): KeyHealth {
  return until > entry.until ? { ...entry, until, reason } : entry;
}

function withoutProbe(entry: KeyHealth): KeyHealth {
  if (entry.probe === undefined) return entry;
  const { probe: _dropped, ...rest } = entry;
  return rest;
}

export interface Applied {
  readonly entry: KeyHealth;
  readonly changes: readonly HealthChange[];
}

/** Applies one event to one key's entry. Returns the same entry object when nothing changes. */
export function applyHealthEvent(current: KeyHealth | undefined, event: HealthEvent): Applied {
  const entry = current ?? fresh;
  switch (event.type) {
    case "cooldown": {
      const source = event.until === undefined ? "default" : "provider-hint";
      const until = event.until ?? event.at + cooldownLength(event.rule, entry.strikes);
      const next = { ...extend(entry, until, event.reason), strikes: entry.strikes + 1, updatedAt: event.at };
      const changes: HealthChange[] =
        next.until > entry.until && next.until > event.at
          ? [{ type: "cooldown-started", key: event.key, until: next.until, reason: event.reason, source }]
          : [];
      return { entry: next, changes };
    }
    case "failure-counted": {
      const halfOpen = entry.breaker === "open" && entry.until <= event.at;
      if (entry.breaker === "open" && !halfOpen) {
        // Still open (a request another process sent earlier): nothing new to learn.
        return { entry: { ...entry, lastFailureAt: event.at, updatedAt: event.at }, changes: [] };
      }
      const recent =
        entry.lastFailureAt !== undefined && event.at - entry.lastFailureAt <= event.rule.windowMs;
      const failures = (recent ? entry.failures : 0) + 1;
      if (!halfOpen && failures < event.rule.threshold) {
        return { entry: { ...entry, failures, lastFailureAt: event.at, updatedAt: event.at }, changes: [] };
      }
      const opened = extend(
        withoutProbe(entry),
        event.at + cooldownLength(event.rule, entry.strikes),
        event.reason,
      );
      const next: KeyHealth = {
        ...opened,
        breaker: "open",
        failures: 0,
        strikes: entry.strikes + 1,
        lastFailureAt: event.at,
        updatedAt: event.at,
      };
      return {
        entry: next,
        changes: [{ type: "breaker-opened", key: event.key, until: next.until, reason: event.reason }],
      };
    }
    case "success": {
      if (
        current === undefined ||
        (entry.failures === 0 &&
          entry.strikes === 0 &&
          entry.breaker === "closed" &&
          entry.probe === undefined)
      ) {
        return { entry, changes: [] };
      }
      const next: KeyHealth = {
        ...withoutProbe(entry),
        failures: 0,
        strikes: 0,
        breaker: "closed",
        updatedAt: event.at,
      };
      const changes: HealthChange[] =
        entry.breaker === "open" ? [{ type: "breaker-closed", key: event.key }] : [];
      return { entry: next, changes };
    }
    case "probe-claimed":
      return {
        entry: { ...entry, probe: { owner: event.owner, until: event.until }, updatedAt: event.at },
        changes: [],
      };
    case "probe-released":
      return entry.probe?.owner === event.owner
        ? { entry: { ...withoutProbe(entry), updatedAt: event.at }, changes: [] }
        : { entry, changes: [] };
  }
}

/**
 * Applies events in order to a snapshot; the input is not modified. Returns the input snapshot
 * itself when no event changed anything (so a caller can skip a write).
 */
export function applyHealthEvents(
  snapshot: HealthSnapshot,
  events: readonly HealthEvent[],
): { snapshot: HealthSnapshot; changes: readonly HealthChange[] } {
  let next: Map<string, KeyHealth> | undefined;
  const changes: HealthChange[] = [];
  for (const event of events) {
    const id = healthKeyId(event.key);
    const before = (next ?? snapshot).get(id);
    const applied = applyHealthEvent(before, event);
    if (applied.entry !== before && !(before === undefined && applied.entry === fresh)) {
      next ??= new Map(snapshot);
      next.set(id, applied.entry);
    }
    changes.push(...applied.changes);
  }
  return { snapshot: next ?? snapshot, changes };
}

/** True when `owner` may take the half-open probe of this entry now. */
export function canClaimProbe(entry: KeyHealth | undefined, owner: string, now: number): boolean {
  if (entry === undefined || entry.breaker !== "open" || entry.until > now) return false;
  return entry.probe === undefined || entry.probe.owner === owner || entry.probe.until <= now;
}

/** True when an entry carries nothing worth keeping at `now` (long past, no probe). */
export function isStale(entry: KeyHealth, now: number, retainMs: number): boolean {
  return Math.max(entry.until, entry.updatedAt, entry.probe?.until ?? 0) < now - retainMs;
}
