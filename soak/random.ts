// A small seeded random source for the soak: every choice the soak makes (fault plan, worker
// messages, aborts, the killer's schedule) comes from one seed, split into independent named
// streams so adding a choice in one place does not shift the others. mulberry32 over an FNV-1a
// hash of `seed:label`. Not for anything secret (canary keys use node:crypto).

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export class Random {
  readonly #seed: number;
  readonly #label: string;
  #state: number;

  constructor(seed: number, label = "root") {
    this.#seed = seed;
    this.#label = label;
    this.#state = fnv1a(`${seed}:${label}`) || 1;
  }

  /** An independent stream for `label`, the same for the same seed whatever was drawn before. */
  fork(label: string): Random {
    return new Random(this.#seed, `${this.#label}/${label}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Random.pick: empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[item, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let point = this.next() * total;
    for (const [item, weight] of choices) {
      point -= weight;
      if (point < 0) return item;
    }
    return (choices.at(-1) as readonly [T, number])[0];
  }
}

/** A fresh seed for a run that was not given one: small enough to type back. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 1_000_000_000);
}
