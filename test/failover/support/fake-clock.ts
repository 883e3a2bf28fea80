// A fake clock for engine tests: `sleep` registers a timer, and whenever the process is idle
// (nothing left but timers) the earliest timer fires and time jumps to it. No real waiting.
// Only valid while the code under test does no real I/O (memory health registry).
import type { Clock } from "../../../src/failover/clock.ts";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export class FakeClock implements Clock {
  #time: number;
  #timers: Timer[] = [];
  #seq = 0;
  #scheduled = false;

  constructor(start = Date.UTC(2026, 0, 15, 13, 0, 0)) {
    this.#time = start;
  }

  now(): number {
    return this.#time;
  }

  /** Moves time forward by hand (between turns). */
  advance(ms: number): void {
    this.#time += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((timer) => timer !== entry);
        reject(signal?.reason);
      };
      const entry: Timer = {
        at: this.#time + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.#timers.push(entry);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#fireNext();
    });
  }

  #fireNext(): void {
    if (this.#timers.length === 0) return;
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.#timers.shift() as Timer;
    this.#time = Math.max(this.#time, next.at);
    next.fire();
    if (this.#timers.length > 0) this.#schedule();
  }
}
