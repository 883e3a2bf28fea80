// Who holds a lock or lease, and whether that holder still exists: pid + process start time
// (Linux: /proc/<pid>/stat field 22, so a recycled pid is not mistaken for the holder) +
// hostname. Does not protect against: holders on another host (their liveness cannot be seen
// here; callers fall back to the heartbeat), or systems without /proc (pid liveness only).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  readonly pid: number;
  /** Start time in clock ticks since boot (Linux), or null where unknown. */
  readonly startTime: number | null;
  readonly hostname: string;
}

interface ProcStat {
  readonly state: string;
  readonly startTime: number;
}

/** Parses /proc/<pid>/stat. The command name (field 2) may contain spaces and ')', so fields are counted after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
  const state = fields[0];
  const startTime = Number(fields[19]);
  if (state === undefined || !Number.isFinite(startTime)) return undefined;
  return { state, startTime };
}

function readProcStat(pid: number): ProcStat | undefined | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ESRCH"
    ) {
      return null;
    }
    return undefined;
  }
}

let self: ProcessIdentity | undefined;

/** This process, computed once. */
export function currentProcess(): ProcessIdentity {
  if (self === undefined || self.pid !== process.pid) {
    const stat = process.platform === "linux" ? readProcStat(process.pid) : undefined;
    self = { pid: process.pid, startTime: stat?.startTime ?? null, hostname: hostname() };
  }
  return self;
}

export type Liveness = "alive" | "dead" | "unknown";

/**
 * Whether the process that recorded `holder` still runs. `unknown` for another host. A zombie
 * counts as dead; a pid now used by a process with another start time counts as dead.
 */
export function holderLiveness(holder: ProcessIdentity): Liveness {
  if (holder.hostname !== currentProcess().hostname) return "unknown";
  if (!Number.isInteger(holder.pid) || holder.pid <= 0) return "dead";
  if (process.platform === "linux") {
    const stat = readProcStat(holder.pid);
    if (stat === null) return "dead";
    if (stat !== undefined) {
      if (stat.state === "Z" || stat.state === "X") return "dead";
      if (holder.startTime !== null && stat.startTime !== holder.startTime) return "dead";
      return "alive";
    }
  }
  try {
    process.kill(holder.pid, 0);
    return "alive";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? "alive" : "dead";
  }
}
