// Reading a session file: the header, then lines backwards from the end until the path from the
// leaf reaches the latest compaction's first kept entry (or the root), so opening costs time in
// proportion to the live context, not the file. Also reads what others appended after a known
// offset. Reads only; torn tails are reported, and fixed by the caller under the append lock.
//
// Does not detect damage before the live context (verify reads the whole file for that).
import type { FileHandle } from "node:fs/promises";
import { isNotFound, openForRead } from "./durable-fs.ts";
import { parseEntry, parseHeader } from "./entry-codec.ts";
import { backwardLines, endOfLastLine, forwardLines, lineNumberAt, readFirstLine } from "./file-lines.ts";
import { LiveContext, type LoadedEntry, PathWalker } from "./live-context.ts";
import type { SessionHeader } from "./session-entry.ts";
import { SessionCorruptError, SessionError } from "./session-errors.ts";
import { repairCommand, type SessionPaths } from "./session-paths.ts";

export interface TornTail {
  readonly offset: number;
  readonly length: number;
}

export interface LoadedSession {
  readonly header: SessionHeader;
  /** Offset of the first entry line. */
  readonly headerEnd: number;
  readonly context: LiveContext;
  /** Offset just after the last complete line. */
  readonly end: number;
  readonly torn?: TornTail;
  /** Bytes read to build the context (for tests and benchmarks). */
  readonly bytesRead: number;
}

/** Reads and validates line 1. */
export async function readHeader(
  paths: SessionPaths,
  handle: FileHandle,
  size: number,
): Promise<{ header: SessionHeader; headerEnd: number }> {
  if (size === 0)
    throw new SessionError("not_a_session", `${paths.file} is empty, not a session`, { file: paths.file });
  const first = await readFirstLine(handle, size);
  const parsed = parseHeader(first.text);
  if (!parsed.ok) {
    throw new SessionError(parsed.code, `${paths.file}: ${parsed.problem}`, { file: paths.file, line: 1 });
  }
  if (first.end === undefined) {
    throw new SessionError("not_a_session", `${paths.file}: the header line is not terminated`, {
      file: paths.file,
      line: 1,
    });
  }
  if (parsed.header.id !== paths.id) {
    throw new SessionError(
      "not_a_session",
      `${paths.file}: the header names session ${JSON.stringify(parsed.header.id)}, not ${JSON.stringify(paths.id)}`,
      { file: paths.file, line: 1 },
    );
  }
  return { header: parsed.header, headerEnd: first.end };
}

async function corrupt(
  paths: SessionPaths,
  handle: FileHandle,
  offset: number,
  problem: string,
): Promise<never> {
  const line = await lineNumberAt(handle, offset);
  throw new SessionCorruptError(problem, { file: paths.file, line, repairCommand: repairCommand(paths) });
}

/** Loads the live context of an open session file. */
export async function loadSession(paths: SessionPaths, handle: FileHandle): Promise<LoadedSession> {
  const size = (await handle.stat()).size;
  const { header, headerEnd } = await readHeader(paths, handle, size);
  const end = await endOfLastLine(handle, headerEnd, size);
  const records: LoadedEntry[] = [];
  const byId = new Map<string, LoadedEntry>();
  let walker: PathWalker | undefined;
  let complete = false;
  let nextSeq = Number.POSITIVE_INFINITY;
  let lowest = end;
  let missing: { missingId: string; childId: string } | undefined;
  for await (const line of backwardLines(handle, headerEnd, end)) {
    lowest = line.offset;
    const parsed = parseEntry(line.text);
    if (!parsed.ok) return corrupt(paths, handle, line.offset, `entry is ${parsed.problem}`);
    const entry = parsed.entry;
    if (entry.seq >= nextSeq) {
      return corrupt(
        paths,
        handle,
        line.offset,
        `seq ${entry.seq} is not below the next entry's seq ${nextSeq}`,
      );
    }
    if (byId.has(entry.id)) return corrupt(paths, handle, line.offset, `entry id ${entry.id} appears twice`);
    nextSeq = entry.seq;
    const record = { entry, offset: line.offset };
    records.push(record);
    byId.set(entry.id, record);
    walker ??= new PathWalker(entry.id);
    const result = walker.advance((id) => byId.get(id)?.entry);
    if (result.status === "complete") {
      complete = true;
      break;
    }
    missing = result;
  }
  if (walker !== undefined && !complete && missing !== undefined) {
    if (header.archive.throughSeq === 0) {
      const child = byId.get(missing.childId);
      return corrupt(
        paths,
        handle,
        child?.offset ?? headerEnd,
        `entry ${missing.childId} names parent ${missing.missingId}, which is not in the session`,
      );
    }
    walker.stopHere();
  }
  if (
    records.length > 0 &&
    header.archive.throughSeq >= (records.at(-1)?.entry.seq ?? 0) &&
    lowest === headerEnd
  ) {
    return corrupt(
      paths,
      handle,
      headerEnd,
      `seq does not continue after the archive (through ${header.archive.throughSeq})`,
    );
  }
  records.reverse();
  const loaded: LoadedSession = {
    header,
    headerEnd,
    context: new LiveContext(records),
    end,
    bytesRead: headerEnd + (end - lowest),
  };
  return end < size ? { ...loaded, torn: { offset: end, length: size - end } } : loaded;
}

export interface Delta {
  readonly records: LoadedEntry[];
  /** Offset just after the last complete line read. */
  readonly end: number;
  readonly torn?: TornTail;
}

/** Entries others appended in [from, size), checked to continue after `lastSeq`. */
export async function readDelta(
  paths: SessionPaths,
  handle: FileHandle,
  from: number,
  size: number,
  lastSeq: number,
  knownIds: (id: string) => boolean,
): Promise<Delta> {
  const records: LoadedEntry[] = [];
  const ids = new Set<string>();
  let previous = lastSeq;
  let end = from;
  const lines = forwardLines(handle, from, size);
  for (;;) {
    const next = await lines.next();
    if (next.done === true) {
      const tail = next.value.tailOffset;
      return tail === undefined
        ? { records, end }
        : { records, end, torn: { offset: tail, length: size - tail } };
    }
    const line = next.value;
    const parsed = parseEntry(line.text);
    if (!parsed.ok) return corrupt(paths, handle, line.offset, `entry is ${parsed.problem}`);
    const entry = parsed.entry;
    if (entry.seq <= previous) {
      return corrupt(paths, handle, line.offset, `seq ${entry.seq} does not follow seq ${previous}`);
    }
    if (ids.has(entry.id) || knownIds(entry.id)) {
      return corrupt(paths, handle, line.offset, `entry id ${entry.id} appears twice`);
    }
    previous = entry.seq;
    ids.add(entry.id);
    records.push({ entry, offset: line.offset });
    end = line.offset + line.length;
  }
}

export function notFound(paths: SessionPaths): SessionError {
  return new SessionError("session_not_found", `session ${paths.id} not found (no ${paths.file})`, {
    file: paths.file,
  });
}

/** Runs `use` with the transcript open for reading; `session_not_found` when it does not exist. */
export async function withReadHandle<T>(
  paths: SessionPaths,
  use: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await openForRead(paths.file);
  } catch (error) {
    if (isNotFound(error)) throw notFound(paths);
    throw error;
  }
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}
