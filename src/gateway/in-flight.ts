// The turns the gateway is running now, for graceful shutdown: each turn gets a signal that
// fires when its client goes away or when a drain runs out of time. `drain(boundMs)` refuses
// new turns, waits for the running ones to end within the bound, then aborts the rest and waits
// (briefly) for them to settle. It does not close sockets: that is the server glue's job.
import { cancellableSleep } from "./cancellable-sleep.ts";

interface Running {
  readonly controller: AbortController;
  readonly settled: Promise<void>;
}

export interface DrainReport {
  /** Turns that ended on their own during the drain. */
  readonly completed: number;
  /** Turns aborted because the bound ran out. */
  readonly aborted: number;
}

/** How long aborted turns get to settle (write their session end, release the lease). */
const settleMs = 2_000;

export class InFlight {
  readonly #running = new Set<Running>();
  #draining = false;
  #idle: (() => void) | undefined;

  get draining(): boolean {
    return this.#draining;
  }

  get count(): number {
    return this.#running.size;
  }

  /**
   * Registers a turn. Its signal fires when `clientSignal` does, on `abort()`, or when a drain
   * gives up on it; call `track(result)` with the turn's outcome so the drain knows when it ended.
   */
  begin(clientSignal: AbortSignal): {
    signal: AbortSignal;
    track: (outcome: Promise<unknown>) => void;
    abort: (reason: string) => void;
  } {
    const controller = new AbortController();
    const signal = AbortSignal.any([clientSignal, controller.signal]);
    return {
      signal,
      abort: (reason) => controller.abort(new Error(reason)),
      track: (outcome) => {
        const entry: Running = {
          controller,
          settled: outcome.then(
            () => {},
            () => {},
          ),
        };
        this.#running.add(entry);
        void entry.settled.then(() => {
          this.#running.delete(entry);
          if (this.#running.size === 0) this.#idle?.();
        });
      },
    };
  }

  /** Stops new turns, waits up to `boundMs` for running ones, then aborts what is left. */
  async drain(boundMs: number): Promise<DrainReport> {
    this.#draining = true;
    const before = this.#running.size;
    if (before > 0) {
      const idle = new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
      const bound = cancellableSleep(boundMs);
      await Promise.race([idle, bound.promise]);
      bound.cancel();
    }
    const left = [...this.#running];
    for (const entry of left) entry.controller.abort(new Error("the gateway is shutting down"));
    if (left.length > 0) {
      const settle = cancellableSleep(settleMs);
      await Promise.race([Promise.all(left.map((entry) => entry.settled)), settle.promise]);
      settle.cancel();
    }
    return { completed: before - left.length, aborted: left.length };
  }
}
