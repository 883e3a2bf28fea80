// First-in-first-out queues inside one process, keyed by a string (a lock file or a session
// file). Holders in the same process wait here instead of polling the file system. Knows
// nothing of other processes: the file lock and the lease file handle those.
const queues = new Map<string, Promise<void>>();
/** Holders and waiters per key that have not left (an aborted waiter leaves at once). */
const present = new Map<string, number>();

function arrive(key: string): () => void {
  present.set(key, (present.get(key) ?? 0) + 1);
  let gone = false;
  return () => {
    if (gone) return;
    gone = true;
    const count = (present.get(key) ?? 1) - 1;
    if (count === 0) present.delete(key);
    else present.set(key, count);
  };
}

/** Waits for every earlier holder of `key`; resolves to the function that lets the next one in. */
export async function takeLocalTurn(key: string, signal?: AbortSignal): Promise<() => void> {
  const previous = queues.get(key) ?? Promise.resolve();
  let done: () => void = () => undefined;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const chained = previous.then(() => mine);
  queues.set(key, chained);
  const depart = arrive(key);
  const leave = (): void => {
    depart();
    done();
    if (queues.get(key) === chained) queues.delete(key);
  };
  if (signal === undefined) {
    await previous;
    return leave;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      void previous.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  } catch (error) {
    // This waiter is gone now; its place in the chain passes on once the holders before it are done.
    depart();
    void previous.then(leave);
    throw error;
  }
  return leave;
}

/** True while some holder in this process has (or waits for) `key`. */
export function isQueued(key: string): boolean {
  return present.has(key);
}

/** A sleep that rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
