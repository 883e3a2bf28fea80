// The turn lease file: the session's fencing token (a counter that only grows) and who holds
// the turn now. Changes to it are made only while the append lock is held, so checking the
// token and writing an entry happen under one lock. The holder's heartbeat is the file's mtime.
//
// Does not protect against: deleting the lease file by hand (the token counter restarts at 0),
// or clocks that disagree between hosts sharing the folder (heartbeat ages are compared with
// the local clock).
import { readFile, stat, utimes } from "node:fs/promises";
import { isNotFound, replaceFile } from "./durable-fs.ts";
import { currentProcess, holderLiveness, type ProcessIdentity } from "./process-identity.ts";
import type { LeaseHolderInfo } from "./session-errors.ts";
import type { SessionPaths } from "./session-paths.ts";

export interface LeaseHolder extends ProcessIdentity {
  readonly turnId: string;
  readonly acquiredAt: string;
}

export interface LeaseState {
  /** The token of the latest lease ever granted on this session; 0 when none was. */
  readonly token: number;
  readonly holder: LeaseHolder | null;
  /** The holder's last heartbeat (file mtime), epoch ms. */
  readonly heartbeatAt: number;
}

export type LeaseAvailability =
  | { readonly kind: "free" }
  | { readonly kind: "stale"; readonly why: "holder-dead" | "heartbeat-expired" }
  | { readonly kind: "held"; readonly holder: LeaseHolder };

export async function readLease(paths: SessionPaths): Promise<LeaseState> {
  try {
    const [text, info] = await Promise.all([readFile(paths.lease, "utf8"), stat(paths.lease)]);
    const parsed = JSON.parse(text) as { token?: unknown; holder?: LeaseHolder | null };
    const token = typeof parsed.token === "number" && Number.isInteger(parsed.token) ? parsed.token : 0;
    return { token, holder: parsed.holder ?? null, heartbeatAt: info.mtimeMs };
  } catch (error) {
    if (isNotFound(error) || error instanceof SyntaxError) return { token: 0, holder: null, heartbeatAt: 0 };
    throw error;
  }
}

/** Whether a new turn may take the lease now. */
export function leaseAvailability(state: LeaseState, timeoutMs: number, now = Date.now()): LeaseAvailability {
  if (state.holder === null) return { kind: "free" };
  if (holderLiveness(state.holder) === "dead") return { kind: "stale", why: "holder-dead" };
  if (now - state.heartbeatAt > timeoutMs) return { kind: "stale", why: "heartbeat-expired" };
  return { kind: "held", holder: state.holder };
}

async function writeLease(paths: SessionPaths, token: number, holder: LeaseHolder | null): Promise<void> {
  const body = Buffer.from(`${JSON.stringify({ token, holder })}\n`);
  await replaceFile(paths.lease, `${paths.id}.lease.tmp-`, async (handle) => {
    await handle.write(body);
  });
}

/** Grants the next token to `turnId`. Call with the append lock held, after checking availability. */
export async function grantLease(paths: SessionPaths, state: LeaseState, turnId: string): Promise<number> {
  const token = state.token + 1;
  await writeLease(paths, token, { ...currentProcess(), turnId, acquiredAt: new Date().toISOString() });
  return token;
}

/** Clears the holder if `token` is still current. Call with the append lock held. */
export async function clearLease(paths: SessionPaths, token: number): Promise<boolean> {
  const state = await readLease(paths);
  if (state.token !== token) return false;
  await writeLease(paths, token, null);
  return true;
}

export function holderInfo(state: LeaseState): LeaseHolderInfo | undefined {
  if (state.holder === null) return undefined;
  return {
    turnId: state.holder.turnId,
    pid: state.holder.pid,
    hostname: state.holder.hostname,
    acquiredAt: state.holder.acquiredAt,
    token: state.token,
  };
}

/** Refreshes the lease's mtime while its token is current; notices when it was taken over. */
export class LeaseHeartbeat {
  private readonly timer: NodeJS.Timeout;
  private readonly paths: SessionPaths;
  private readonly token: number;
  lost = false;

  constructor(paths: SessionPaths, token: number, intervalMs: number) {
    this.paths = paths;
    this.token = token;
    this.timer = setInterval(() => void this.beat(), intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const state = await readLease(this.paths);
      if (state.token !== this.token || state.holder?.pid !== process.pid) {
        this.lost = true;
        this.stop();
        return;
      }
      const now = new Date();
      await utimes(this.paths.lease, now, now);
    } catch {
      // A heartbeat that fails is retried on the next tick; the lease may expire meanwhile,
      // and then the next write is fenced. A timer must never throw.
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
