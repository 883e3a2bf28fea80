// Leftovers of processes that died in the middle of a rewrite or a lock: temporary files named
// `<id>.<kind>.tmp-<pid>-<random>`. Removed only when their pid is gone from this host, under the
// append lock. Does not protect against temp files of a live process on another host sharing
// the folder (their pid means nothing here; they are left alone only if that pid runs here).
import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { currentProcess, holderLiveness } from "./process-identity.ts";
import type { SessionPaths } from "./session-paths.ts";

const tempPattern = /\.tmp-(\d+)-[0-9a-f]+$/;

/** Temp files of this session and whether their writer is gone. */
export async function findResidue(paths: SessionPaths): Promise<{ name: string; dead: boolean }[]> {
  const names = await readdir(paths.dir);
  const found: { name: string; dead: boolean }[] = [];
  for (const name of names) {
    if (!name.startsWith(`${paths.id}.`)) continue;
    const match = tempPattern.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    const dead = holderLiveness({ pid, startTime: null, hostname: currentProcess().hostname }) === "dead";
    found.push({ name, dead });
  }
  return found;
}

/** Removes temp files whose writer is dead; returns their names. Call holding the append lock. */
export async function removeResidue(paths: SessionPaths): Promise<string[]> {
  const removed: string[] = [];
  for (const { name, dead } of await findResidue(paths)) {
    if (!dead) continue;
    await unlink(join(paths.dir, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}
