import { describe, expect, it } from "vitest";
import { fullJitterDelay, seededRandom } from "./backoff.ts";

describe("full-jitter backoff", () => {
  it("stays within [0, min(cap, base * 2^n)) and reaches the top of the range", () => {
    const rule = { baseMs: 250, capMs: 8_000 };
    expect(fullJitterDelay(0, 0, rule)).toBe(0);
    expect(fullJitterDelay(0, 0.999_999, rule)).toBe(249);
    expect(fullJitterDelay(2, 0.5, rule)).toBe(500);
    expect(fullJitterDelay(10, 0.999_999, rule)).toBe(7_999);
  });

  it("replays the same delays from the same seed", () => {
    const first = seededRandom(42);
    const second = seededRandom(42);
    const delays = (random: () => number) =>
      [0, 1, 2, 3].map((index) => fullJitterDelay(index, random(), { baseMs: 100, capMs: 1_000 }));
    expect(delays(first)).toEqual(delays(second));
    expect(new Set(Array.from({ length: 100 }, seededRandom(7))).size).toBe(100);
  });
});
