// Where a fenced turn's output goes: a side file next to the session, one per lease token,
// holding a line that says what happened and then every entry the turn tried to write, in
// order. Nothing in it is ever merged into the transcript by the store; a person or the turn
// runner decides what to do with it. Does not protect against the side file being removed.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { fileMode, writeAll } from "./durable-fs.ts";
import { fencedSidePath, type SessionPaths } from "./session-paths.ts";
import type { LeaseState } from "./turn-lease.ts";

/** Appends the fenced drafts to the turn's side file and returns its path. */
export async function writeFencedSideFile(
  paths: SessionPaths,
  lease: { readonly turnId: string; readonly token: number },
  current: LeaseState,
  drafts: readonly object[],
): Promise<string> {
  const path = fencedSidePath(paths, lease.token);
  const at = new Date().toISOString();
  const header = {
    type: "fenced",
    sessionId: paths.id,
    turnId: lease.turnId,
    token: lease.token,
    currentToken: current.token,
    currentHolder:
      current.holder === null ? null : { turnId: current.holder.turnId, pid: current.holder.pid },
    at,
  };
  const lines = [header, ...drafts.map((draft) => ({ timestamp: at, ...draft, turnId: lease.turnId }))];
  const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, fileMode);
  try {
    await writeAll(handle, Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join("")));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return path;
}
