// The per-attempt abort controller and its timers (connect, first token, idle). When a timer
// fires it records which one and aborts the request, which releases the socket. The caller's
// signal (cancellation or the turn deadline) is folded in. Timers are unref'd so a pending
// attempt never holds the process open by itself.
import type { ModelTimers } from "./model-stream.ts";
import type { TimerName } from "./provider-failure.ts";

export class AttemptControl {
  readonly #controller = new AbortController();
  readonly #timers: ModelTimers;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort = (): void => this.#controller.abort(this.#callerSignal?.reason);
  #connect: NodeJS.Timeout | undefined;
  #content: NodeJS.Timeout | undefined;
  #fired: TimerName | undefined;
  #firedAfterMs: number | undefined;
  #lastContentAt = 0;
  #idleArmed = false;

  constructor(timers: ModelTimers | undefined, callerSignal: AbortSignal | undefined) {
    this.#timers = timers ?? {};
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted === true) this.#controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener("abort", this.#onCallerAbort, { once: true });
    this.#connect = this.#arm("connect", this.#timers.connectMs);
    this.#content = this.#arm("first-token", this.#timers.firstTokenMs);
  }

  /** Aborts when a timer fires, the caller aborts, or `dispose()` runs. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Which Baton timer ended the attempt, if one did. */
  get firedTimer(): TimerName | undefined {
    if (this.#fired !== undefined) return this.#fired;
    const reason: unknown = this.#callerSignal?.reason;
    // An AbortSignal.timeout() from the caller is the turn deadline, not a cancellation.
    return this.#callerSignal?.aborted === true && reason instanceof Error && reason.name === "TimeoutError"
      ? "deadline"
      : undefined;
  }

  /** How long the timer that fired had been set for. */
  get firedAfterMs(): number | undefined {
    return this.#firedAfterMs;
  }

  /** True when the caller cancelled (not a deadline). */
  get callerAborted(): boolean {
    return this.#callerSignal?.aborted === true && this.firedTimer !== "deadline";
  }

  #arm(name: TimerName, ms: number | undefined): NodeJS.Timeout | undefined {
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
    const timer = setTimeout(() => this.#fire(name, ms), ms);
    timer.unref();
    return timer;
  }

  #fire(name: TimerName, ms: number): void {
    if (this.#fired === undefined) {
      this.#fired = name;
      this.#firedAfterMs = ms;
    }
    this.#controller.abort(new Error(`${name} timer fired after ${ms} ms`));
  }

  /** Response headers arrived: the connect timer is done. */
  headersArrived(): void {
    clearTimeout(this.#connect);
    this.#connect = undefined;
  }

  /**
   * A content event arrived: the first-token timer is done and the idle timer restarts. One idle
   * timer serves the whole stream: when it fires early it re-arms for the rest of the window,
   * instead of every token clearing and creating a timer.
   */
  contentArrived(): void {
    this.#lastContentAt = performance.now();
    if (this.#idleArmed) return;
    clearTimeout(this.#content);
    this.#content = undefined;
    const idleMs = this.#timers.idleMs;
    if (idleMs === undefined || !Number.isFinite(idleMs) || idleMs <= 0) return;
    this.#idleArmed = true;
    const check = (): void => {
      const quietFor = performance.now() - this.#lastContentAt;
      if (quietFor >= idleMs) {
        this.#fire("idle", idleMs);
        return;
      }
      this.#content = setTimeout(check, idleMs - quietFor);
      this.#content.unref();
    };
    this.#content = setTimeout(check, idleMs);
    this.#content.unref();
  }

  /**
   * Stops every timer. A stream that did not end normally is aborted, which releases its
   * socket; a completed one was read to the end and needs nothing.
   */
  dispose(completed: boolean): void {
    clearTimeout(this.#connect);
    clearTimeout(this.#content);
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
    if (!completed && !this.#controller.signal.aborted)
      this.#controller.abort(new Error("attempt ended early"));
  }
}
