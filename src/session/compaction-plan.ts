// Which part of a context a compaction summarises and where the kept part starts. Pure. Keeps
// the last `keepRecent` entries of the path, never starts the kept part in the middle of a turn,
// and always keeps every entry of the running turn.
import type { SessionEntry } from "./session-entry.ts";

export interface CompactionPlan {
  /** Entries the summary replaces, in path order (may include an older compaction entry). */
  readonly old: readonly SessionEntry[];
  /** The first entry kept verbatim; undefined when nothing on the path is kept. */
  readonly firstKept: SessionEntry | undefined;
}

function firstOfTurn(path: readonly SessionEntry[], turnId: string): number {
  return path.findIndex((entry) => entry.turnId === turnId);
}

/** The plan for compacting `path`, or undefined when there is nothing to summarise. */
export function planCompaction(
  path: readonly SessionEntry[],
  keepRecent: number,
  runningTurnId?: string,
): CompactionPlan | undefined {
  if (!Number.isInteger(keepRecent) || keepRecent < 0) {
    throw new RangeError(`keepRecent must be a non-negative integer (got ${keepRecent})`);
  }
  let cut = Math.max(0, path.length - keepRecent);
  const atCut = path[cut];
  if (atCut?.turnId !== undefined) cut = Math.min(cut, firstOfTurn(path, atCut.turnId));
  if (runningTurnId !== undefined) {
    const running = firstOfTurn(path, runningTurnId);
    if (running >= 0) cut = Math.min(cut, running);
  }
  const old = path.slice(0, cut);
  if (!old.some((entry) => entry.type !== "compaction")) return undefined;
  return { old, firstKept: path[cut] };
}

/** What the summariser is shown: the old part without compaction entries (their summary is passed separately). */
export function summarisable(plan: CompactionPlan): SessionEntry[] {
  return plan.old.filter((entry) => entry.type !== "compaction");
}
