// The health registry interface: where cooldowns, breakers and probe leases live between
// turns. The engine reads a snapshot, records events (never decisions: the registry applies
// them through health-state.ts so a cooldown is never shortened) and claims half-open probes.
// Implementations: memory-health-registry.ts (one process), file-health-registry.ts (processes
// on one host); a shared store (Redis, PostgreSQL) can implement the same three methods.
import type { HealthKey } from "./health-key.ts";
import type { HealthEvent, HealthSnapshot, KeyHealth } from "./health-state.ts";

export interface HealthRegistry {
  /**
   * The current entries, at least for `keys` (an implementation may return more). The result
   * already reflects every event passed to `record` by this process, persisted or not.
   */
  read(keys: readonly HealthKey[]): Promise<HealthSnapshot>;
  /**
   * Applies events in order. Visible to `read` in this process at once; the promise settles
   * when they are durable (shared with other processes, for a shared store), with the shared
   * state then, at least for the events' keys. It can differ from this process's view: another
   * process's events may have been applied first (a success that reset a failure count).
   */
  record(events: readonly HealthEvent[]): Promise<HealthSnapshot>;
  /**
   * Atomically takes the half-open probe of `key` for `owner` until `now + leaseMs`. False when
   * the key is not half-open or another owner holds an unexpired lease.
   */
  claimProbe(key: HealthKey, owner: string, now: number, leaseMs: number): Promise<boolean>;
}

/** A registry whose whole content can be listed (for `baton doctor` and tests). */
export interface InspectableHealthRegistry extends HealthRegistry {
  entries(): Promise<ReadonlyMap<string, KeyHealth>>;
}
