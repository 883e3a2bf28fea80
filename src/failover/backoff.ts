// Exponential backoff with full jitter (delay = random in [0, min(cap, base * 2^n))), and a
// small seedable random source so tests and benchmarks can replay a run. Pure.

export interface BackoffRule {
  readonly baseMs: number;
  readonly capMs: number;
}

/** The delay before retry number `retryIndex` (0 for the first retry); `random` is uniform in [0, 1). */
export function fullJitterDelay(retryIndex: number, random: number, rule: BackoffRule): number {
  const ceiling = Math.min(rule.capMs, rule.baseMs * 2 ** Math.max(0, Math.min(retryIndex, 40)));
  return Math.floor(Math.min(Math.max(random, 0), 0.999_999_999) * ceiling);
}

/** A seeded uniform random source in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
