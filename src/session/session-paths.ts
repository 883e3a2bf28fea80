// Where a session's files live inside the sessions folder. Every path is derived from a
// validated session id, so no caller-supplied string ever reaches the file system unchecked.
import { join } from "node:path";
import { assertSessionId } from "./session-id.ts";

export interface SessionPaths {
  readonly dir: string;
  readonly id: string;
  /** The transcript. */
  readonly file: string;
  /** Entries moved out of the transcript by compaction rewrites. */
  readonly archive: string;
  /** Every byte removed by torn-tail recovery or repair, base64 in JSON lines. */
  readonly quarantine: string;
  /** The short append lock (held for one append or one rewrite). */
  readonly lock: string;
  /** The turn lease: fencing token and current holder. */
  readonly lease: string;
  /** Prefix of temporary files written by rewrites. */
  readonly tempPrefix: string;
}

export function sessionPaths(dir: string, id: string): SessionPaths {
  assertSessionId(id);
  return {
    dir,
    id,
    file: join(dir, `${id}.jsonl`),
    archive: join(dir, `${id}.archive.jsonl`),
    quarantine: join(dir, `${id}.quarantine.jsonl`),
    lock: join(dir, `${id}.lock`),
    lease: join(dir, `${id}.lease`),
    tempPrefix: `${id}.jsonl.tmp-`,
  };
}

/** The side file a fenced turn's output goes to (one per lease token). */
export function fencedSidePath(paths: SessionPaths, token: number): string {
  return join(paths.dir, `${paths.id}.fenced-t${token}.jsonl`);
}

/** Session id of a transcript file name (`<id>.jsonl`), or undefined for any other file. */
export function sessionIdOfFileName(name: string): string | undefined {
  if (!name.endsWith(".jsonl")) return undefined;
  const id = name.slice(0, -".jsonl".length);
  return id.includes(".") ? undefined : id;
}

/** The command a user runs to repair the session. */
export function repairCommand(paths: SessionPaths): string {
  return `baton sessions repair ${paths.id} --dir ${paths.dir}`;
}
