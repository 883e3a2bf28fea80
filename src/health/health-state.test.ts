import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failureReasons } from "../failover/failure.ts";
import { blockerOf, halfOpenKeys } from "./availability.ts";
import { enclosingKeys, healthKeyId, modelKey } from "./health-key.ts";
import {
  applyHealthEvents,
  type BreakerRule,
  canClaimProbe,
  type HealthEvent,
  type HealthSnapshot,
} from "./health-state.ts";

const target = { provider: "openai", model: "gpt-5.5", credentialId: "openai:work" };
const model = modelKey(target);
const breaker: BreakerRule = { threshold: 3, windowMs: 60_000, baseMs: 10_000, capMs: 120_000 };
const t0 = Date.UTC(2026, 0, 15, 13);
const seed = Number(process.env.BATON_FC_SEED ?? 20_261_121);

function apply(snapshot: HealthSnapshot, ...events: HealthEvent[]): HealthSnapshot {
  return applyHealthEvents(snapshot, events).snapshot;
}

describe("cooldowns", () => {
  it("take the provider's reset time when given, else grow exponentially per key up to the cap", () => {
    const rule = { baseMs: 5_000, capMs: 12_000 };
    let health = apply(new Map(), {
      type: "cooldown",
      key: model,
      at: t0,
      reason: "rate_limit",
      rule,
      until: t0 + 42_000,
    });
    expect(health.get(healthKeyId(model))?.until).toBe(t0 + 42_000);
    const lengths: number[] = [];
    let at = t0 + 100_000;
    for (let index = 0; index < 4; index += 1) {
      health = apply(health, { type: "cooldown", key: model, at, reason: "rate_limit", rule });
      lengths.push((health.get(healthKeyId(model))?.until ?? 0) - at);
      at += 100_000;
    }
    expect(lengths).toEqual([10_000, 12_000, 12_000, 12_000]);
    health = apply(health, { type: "success", key: model, at });
    health = apply(health, { type: "cooldown", key: model, at, reason: "rate_limit", rule });
    expect((health.get(healthKeyId(model))?.until ?? 0) - at).toBe(5_000);
  });

  it("are never shortened, by any sequence of events", () => {
    const key = fc.constantFrom(...enclosingKeys(target));
    const event: fc.Arbitrary<HealthEvent> = fc.oneof(
      fc.record({
        type: fc.constant("cooldown" as const),
        key,
        at: fc.integer({ min: t0, max: t0 + 3_600_000 }),
        reason: fc.constantFrom(...failureReasons),
        rule: fc.constant({ baseMs: 1_000, capMs: 60_000 }),
        until: fc.integer({ min: t0 - 60_000, max: t0 + 7_200_000 }),
      }),
      fc.record({
        type: fc.constant("failure-counted" as const),
        key,
        at: fc.integer({ min: t0, max: t0 + 3_600_000 }),
        reason: fc.constantFrom(...failureReasons),
        rule: fc.constant(breaker),
      }),
      fc.record({
        type: fc.constant("success" as const),
        key,
        at: fc.integer({ min: t0, max: t0 + 3_600_000 }),
      }),
      fc.record({
        type: fc.constant("probe-claimed" as const),
        key,
        at: fc.integer({ min: t0, max: t0 + 3_600_000 }),
        owner: fc.constantFrom("turn-a", "turn-b"),
        until: fc.integer({ min: t0, max: t0 + 3_600_000 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        let health: HealthSnapshot = new Map();
        for (const next of events) {
          const before = health.get(healthKeyId(next.key))?.until ?? 0;
          health = apply(health, next);
          expect(health.get(healthKeyId(next.key))?.until ?? 0).toBeGreaterThanOrEqual(before);
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe("breaker", () => {
  it("opens after `threshold` consecutive counted failures, admits one probe once cooled, and closes on success", () => {
    const fail = (at: number): HealthEvent => ({
      type: "failure-counted",
      key: model,
      at,
      reason: "server_error",
      rule: breaker,
    });
    let health = apply(new Map(), fail(t0), fail(t0 + 1));
    expect(blockerOf(health, [model], t0 + 2, "turn-a")).toBeUndefined();
    const opened = applyHealthEvents(health, [fail(t0 + 2)]);
    expect(opened.changes).toEqual([
      expect.objectContaining({ type: "breaker-opened", until: t0 + 2 + 10_000 }),
    ]);
    health = opened.snapshot;
    expect(blockerOf(health, [model], t0 + 5_000, "turn-a")).toMatchObject({
      kind: "breaker-open",
      until: t0 + 10_002,
    });

    // Half-open: one turn takes the probe; the other sees it in flight.
    const later = t0 + 20_000;
    expect(halfOpenKeys(health, [model], later, "turn-a")).toEqual([model]);
    expect(canClaimProbe(health.get(healthKeyId(model)), "turn-a", later)).toBe(true);
    health = apply(health, {
      type: "probe-claimed",
      key: model,
      at: later,
      owner: "turn-a",
      until: later + 60_000,
    });
    expect(blockerOf(health, [model], later, "turn-a")).toBeUndefined();
    expect(blockerOf(health, [model], later, "turn-b")).toMatchObject({ kind: "probe-in-flight" });
    expect(canClaimProbe(health.get(healthKeyId(model)), "turn-b", later)).toBe(false);

    // The probe fails: open again, for twice as long.
    const reopened = applyHealthEvents(health, [fail(later + 1)]);
    expect(reopened.changes).toEqual([
      expect.objectContaining({ type: "breaker-opened", until: later + 1 + 20_000 }),
    ]);
    // The next probe succeeds: closed, and the next opening starts from the base again.
    const closed = applyHealthEvents(reopened.snapshot, [
      { type: "success", key: model, at: later + 30_000 },
    ]);
    expect(closed.changes).toEqual([{ type: "breaker-closed", key: model }]);
    expect(blockerOf(closed.snapshot, [model], later + 30_000, "turn-b")).toBeUndefined();
  });

  it("does not count failures further apart than the window as consecutive", () => {
    const fail = (at: number): HealthEvent => ({
      type: "failure-counted",
      key: model,
      at,
      reason: "timeout",
      rule: breaker,
    });
    const health = apply(new Map(), fail(t0), fail(t0 + 61_000), fail(t0 + 122_000));
    expect(health.get(healthKeyId(model))).toMatchObject({ breaker: "closed", failures: 1 });
  });

  it("a success on a key with nothing to forget changes nothing (no write needed)", () => {
    const health: HealthSnapshot = new Map();
    expect(applyHealthEvents(health, [{ type: "success", key: model, at: t0 }]).snapshot).toBe(health);
  });
});
