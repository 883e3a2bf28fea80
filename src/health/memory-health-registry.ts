// A health registry held in this process's memory: the default for a library caller that runs
// one process, and the fast path for tests and benchmarks. Copy-on-write snapshots, so a
// snapshot handed to decide() never changes under it. Does not survive a restart and is not
// shared with other processes (use FileHealthRegistry for that).
import { type HealthKey, healthKeyId } from "./health-key.ts";
import type { InspectableHealthRegistry } from "./health-registry.ts";
import { applyHealthEvents, canClaimProbe, type HealthEvent, type HealthSnapshot } from "./health-state.ts";

export class MemoryHealthRegistry implements InspectableHealthRegistry {
  #snapshot: HealthSnapshot = new Map();

  read(_keys: readonly HealthKey[]): Promise<HealthSnapshot> {
    return Promise.resolve(this.#snapshot);
  }

  /** The same snapshot, synchronously. */
  current(): HealthSnapshot {
    return this.#snapshot;
  }

  record(events: readonly HealthEvent[]): Promise<HealthSnapshot> {
    this.#snapshot = applyHealthEvents(this.#snapshot, events).snapshot;
    return Promise.resolve(this.#snapshot);
  }

  claimProbe(key: HealthKey, owner: string, now: number, leaseMs: number): Promise<boolean> {
    if (!canClaimProbe(this.#snapshot.get(healthKeyId(key)), owner, now)) return Promise.resolve(false);
    this.#snapshot = applyHealthEvents(this.#snapshot, [
      { type: "probe-claimed", key, at: now, owner, until: now + leaseMs },
    ]).snapshot;
    return Promise.resolve(true);
  }

  entries(): Promise<HealthSnapshot> {
    return Promise.resolve(this.#snapshot);
  }
}
