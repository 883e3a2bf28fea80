// The chaos soak, short and seeded, inside `npm test`: three Baton library workers and one
// `baton serve` gateway on shared sessions against the fault-injecting simulator for 30 s, with
// background writers appending and compacting and the killer SIGKILLing, freezing and
// restarting processes; then every invariant must hold (the table is printed). `npm run soak`
// is the long version (docs/soak.md).
import { describe, expect, it } from "vitest";
import { reproduction } from "../../soak/reproduce.ts";
import { runSoak } from "../../soak/soak.ts";

const seed = 20_251_121;

describe("chaos soak (short, seeded)", () => {
  it(`holds every invariant under load, faults and kills (seed ${seed})`, { timeout: 150_000 }, async () => {
    const outcome = await runSoak({
      seed,
      minutes: 0.5,
      workers: 3,
      gateways: 1,
      drainMs: 8_000,
      chaosEveryMs: 3_500,
    });
    console.log(outcome.report);
    const violations = outcome.results.flatMap((result) =>
      result.violations.map((violation) => `${result.title}: ${violation.message}`),
    );
    if (violations.length > 0) console.log(reproduction(outcome));
    expect(violations).toEqual([]);
    // The run really exercised what it claims to.
    expect(outcome.stats.turns).toBeGreaterThan(30);
    expect(outcome.stats.kills).toBeGreaterThan(0);
    const checked = Object.fromEntries(outcome.results.map((result) => [result.id, result.checked]));
    expect(checked["attempts-classified"]).toBeGreaterThan(20);
    expect(checked["tools-once"]).toBeGreaterThan(5);
    expect(checked["entries-once"]).toBeGreaterThan(50);
    expect(checked["cooldowns-respected"]).toBeGreaterThan(30);
  });
});
