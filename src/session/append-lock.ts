// The short append lock: a lock file created atomically (link of a fully written temp file),
// held for one append or one rewrite and never across a model call. A holder refreshes the
// file's mtime (heartbeat) while it holds it. A lock is stale when its holder is dead (pid gone,
// zombie, or pid reused: start time differs) or its heartbeat expired; a stale lock is broken
// under a second "breaker" lock so two contenders cannot both break and both win.
//
// Does not protect against: a holder that is frozen (SIGSTOP, VM pause) longer than `staleMs`
// and then resumes in the middle of its critical section; it re-checks ownership right before
// writing, which narrows but cannot close that window. Not safe on file systems without
// atomic link (some network file systems).
import { randomBytes } from "node:crypto";
import { readFile, stat, unlink, utimes } from "node:fs/promises";
import { basename } from "node:path";
import { createFileExclusive, isNotFound } from "./durable-fs.ts";
import { sleep, takeLocalTurn } from "./local-queue.ts";
import { currentProcess, holderLiveness, type ProcessIdentity } from "./process-identity.ts";
import { SessionError } from "./session-errors.ts";

export interface LockTiming {
  /** A heartbeat older than this makes the lock stale even if its holder's pid is alive. */
  readonly staleMs: number;
  /** How often a holder refreshes its heartbeat. */
  readonly heartbeatMs: number;
  /** How long to wait for the lock before failing with `lock_timeout`. */
  readonly timeoutMs: number;
}

export const defaultLockTiming: LockTiming = { staleMs: 10_000, heartbeatMs: 1_000, timeoutMs: 60_000 };

interface LockRecord extends ProcessIdentity {
  readonly nonce: string;
  readonly acquiredAt: string;
}

export interface HeldLock {
  /** True while the lock file is still this holder's (one small read). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** Counts of what lock acquisition had to do; useful in tests and benchmarks. */
export const lockStats = { brokenStale: 0, waits: 0 };

async function readRecord(path: string): Promise<{ record?: LockRecord; mtimeMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    try {
      const record = JSON.parse(text) as LockRecord;
      return typeof record.nonce === "string" ? { record, mtimeMs: info.mtimeMs } : { mtimeMs: info.mtimeMs };
    } catch {
      return { mtimeMs: info.mtimeMs };
    }
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isStale(found: { record?: LockRecord; mtimeMs: number }, staleMs: number): boolean {
  if (found.record !== undefined && holderLiveness(found.record) === "dead") return true;
  return Date.now() - found.mtimeMs > staleMs;
}

async function tryCreate(path: string, record: LockRecord): Promise<boolean> {
  const body = Buffer.from(JSON.stringify(record));
  return createFileExclusive(
    path,
    `${basename(path)}.tmp-`,
    (handle) => handle.write(body).then(() => undefined),
    false,
  );
}

/** Removes the lock at `path` if it is still the stale one identified by `nonce` (or unreadable). */
async function breakStale(path: string, nonce: string | undefined, timing: LockTiming): Promise<void> {
  const breaker = `${path}.break`;
  const me = {
    ...currentProcess(),
    nonce: randomBytes(8).toString("hex"),
    acquiredAt: new Date().toISOString(),
  };
  if (!(await tryCreate(breaker, me))) {
    const found = await readRecord(breaker);
    if (found !== undefined && isStale(found, timing.staleMs)) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    const found = await readRecord(path);
    if (found !== undefined && found.record?.nonce === nonce && isStale(found, timing.staleMs)) {
      await unlink(path).catch(() => undefined);
      lockStats.brokenStale += 1;
    }
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Takes the append lock at `path`, waiting (with backoff) while a live holder has it. */
export async function acquireAppendLock(
  path: string,
  timing: LockTiming = defaultLockTiming,
  signal?: AbortSignal,
): Promise<HeldLock> {
  const leaveLocal = await takeLocalTurn(path, signal);
  try {
    const held = await acquireFileLock(path, timing, signal);
    return {
      stillHeld: held.stillHeld,
      release: async () => {
        try {
          await held.release();
        } finally {
          leaveLocal();
        }
      },
    };
  } catch (error) {
    leaveLocal();
    throw error;
  }
}

async function acquireFileLock(path: string, timing: LockTiming, signal?: AbortSignal): Promise<HeldLock> {
  const record: LockRecord = {
    ...currentProcess(),
    nonce: randomBytes(8).toString("hex"),
    acquiredAt: new Date().toISOString(),
  };
  const deadline = Date.now() + timing.timeoutMs;
  let delay = 1;
  let lastHolder: LockRecord | undefined;
  for (;;) {
    if (await tryCreate(path, record)) return holdLock(path, record, timing);
    const found = await readRecord(path);
    if (found === undefined) continue;
    lastHolder = found.record;
    if (isStale(found, timing.staleMs)) {
      await breakStale(path, found.record?.nonce, timing);
      continue;
    }
    if (Date.now() > deadline) {
      const who =
        lastHolder === undefined
          ? "an unknown holder"
          : `pid ${lastHolder.pid} since ${lastHolder.acquiredAt}`;
      throw new SessionError(
        "lock_timeout",
        `could not take the append lock ${path} within ${timing.timeoutMs} ms; held by ${who}`,
      );
    }
    lockStats.waits += 1;
    await sleep(delay * (0.5 + Math.random()), signal);
    delay = Math.min(delay * 1.5, 25);
  }
}

async function isOurs(path: string, nonce: string): Promise<boolean> {
  const found = await readRecord(path).catch(() => undefined);
  return found?.record?.nonce === nonce;
}

function holdLock(path: string, record: LockRecord, timing: LockTiming): HeldLock {
  const timer = setInterval(() => {
    void isOurs(path, record.nonce)
      .then((ours) => {
        if (ours) {
          const now = new Date();
          return utimes(path, now, now);
        }
        return undefined;
      })
      .catch(() => undefined);
  }, timing.heartbeatMs);
  timer.unref();
  return {
    stillHeld: () => isOurs(path, record.nonce),
    release: async () => {
      clearInterval(timer);
      if (await isOurs(path, record.nonce)) await unlink(path).catch(() => undefined);
    },
  };
}
