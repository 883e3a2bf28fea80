// The soak's pause: waits `ms`, or less when the run is stopping (the signal aborts). It never
// rejects, so a loop that sleeps between steps simply sees the signal and ends.
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted === true || ms <= 0) return done();
    const timer = setTimeout(done, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}
