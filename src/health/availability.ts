// Whether a target may receive a request now, read from a health snapshot: a target is
// available only if none of its enclosing keys is cooling, open, or half-open with another
// turn's probe in flight. Pure.
import type { FailureReason } from "../failover/failure.ts";
import { type HealthKey, healthKeyId } from "./health-key.ts";
import type { HealthSnapshot } from "./health-state.ts";

export type BlockKind = "cooling" | "breaker-open" | "probe-in-flight";

/** Why a target is unavailable: the binding key and until when. */
export interface Blocker {
  readonly key: HealthKey;
  readonly until: number;
  readonly kind: BlockKind;
  readonly reason?: FailureReason;
}

/**
 * The key that keeps a target unavailable the longest at `now`, or undefined when the target is
 * available. `owner` is the asking turn: its own probe lease does not block it.
 */
export function blockerOf(
  snapshot: HealthSnapshot,
  keys: readonly HealthKey[],
  now: number,
  owner: string,
): Blocker | undefined {
  let found: Blocker | undefined;
  for (const key of keys) {
    const entry = snapshot.get(healthKeyId(key));
    if (entry === undefined) continue;
    let blocker: Blocker | undefined;
    if (entry.until > now) {
      blocker = { key, until: entry.until, kind: entry.breaker === "open" ? "breaker-open" : "cooling" };
      if (entry.reason !== undefined) blocker = { ...blocker, reason: entry.reason };
    } else if (
      entry.breaker === "open" &&
      entry.probe !== undefined &&
      entry.probe.owner !== owner &&
      entry.probe.until > now
    ) {
      blocker = { key, until: entry.probe.until, kind: "probe-in-flight" };
      if (entry.reason !== undefined) blocker = { ...blocker, reason: entry.reason };
    }
    if (blocker !== undefined && (found === undefined || blocker.until > found.until)) found = blocker;
  }
  return found;
}

/** Keys of an available target whose breaker is half-open: a request there is a probe to claim first. */
export function halfOpenKeys(
  snapshot: HealthSnapshot,
  keys: readonly HealthKey[],
  now: number,
  owner: string,
): readonly HealthKey[] {
  return keys.filter((key) => {
    const entry = snapshot.get(healthKeyId(key));
    return (
      entry !== undefined && entry.breaker === "open" && entry.until <= now && entry.probe?.owner !== owner
    );
  });
}
