// A short exclusive lock between processes on one host, for a read-modify-write of a small
// file: `<file>.lock` created with O_EXCL, holding the owner's pid and a random token.
// A lock whose holder process is gone, or that is older than `staleMs`, is compromised and
// taken over (renamed aside first, so two waiters cannot both take it). Release removes the
// lock only if it still holds our token.
//
// Does not protect against: network file systems without O_EXCL semantics, a holder that
// keeps working longer than `staleMs` (the lock is meant for milliseconds of work), or clock
// jumps larger than `staleMs`.
import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm, stat } from "node:fs/promises";

export interface FileLockOptions {
  /** A lock older than this is taken over. Default 10 s. */
  readonly staleMs?: number;
  /** Give up waiting after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /** Base delay between tries (jittered). Default 4 ms. */
  readonly retryMs?: number;
}

export class LockTimeoutError extends Error {
  override readonly name = "LockTimeoutError";
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function compromised(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [info, content] = await Promise.all([stat(lockPath), readFile(lockPath, "utf8")]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number(content.split(" ", 1)[0]);
    return content.length > 0 && pid !== process.pid && !isAlive(pid);
  } catch {
    return false; // gone already: just try again
  }
}

async function tryAcquire(lockPath: string, token: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, "wx", 0o600);
    try {
      await handle.writeFile(token, "utf8");
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** Runs `work` while holding the lock of `target` (the lock file is `${target}.lock`). */
export async function withFileLock<T>(
  target: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryMs = options.retryMs ?? 4;
  const lockPath = `${target}.lock`;
  const token = `${process.pid} ${randomBytes(6).toString("hex")}`;
  const started = Date.now();
  while (!(await tryAcquire(lockPath, token))) {
    if (await compromised(lockPath, staleMs)) {
      const aside = `${lockPath}.stale.${randomBytes(4).toString("hex")}`;
      try {
        await rename(lockPath, aside);
        await rm(aside, { force: true });
      } catch {
        // Someone else took it over first; try again.
      }
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      const holder = await readFile(lockPath, "utf8").catch(() => "unknown");
      throw new LockTimeoutError(
        `could not lock ${target} within ${timeoutMs} ms (held by pid ${holder.split(" ", 1)[0]}); remove ${lockPath} if no Baton process is running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs * (1 + Math.random())));
  }
  try {
    return await work();
  } finally {
    const current = await readFile(lockPath, "utf8").catch(() => undefined);
    if (current === token) await rm(lockPath, { force: true });
  }
}
