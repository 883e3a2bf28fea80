// `verify`: reads a session whole (archive up to its recorded length, then the transcript) and
// reports every damage: a bad header, a line that is not a valid entry, seq not strictly
// increasing, a duplicate id, a parent or first-kept entry that does not resolve to an earlier
// entry, a torn tail. Reads only, takes no lock; a write in flight can show up as a torn tail,
// so callers that need certainty verify while no writer runs (or under the append lock).

import type { FileHandle } from "node:fs/promises";
import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { isNotFound, openForRead } from "./durable-fs.ts";
import { parseEntry } from "./entry-codec.ts";
import { forwardLines } from "./file-lines.ts";
import { holderLiveness } from "./process-identity.ts";
import { findResidue } from "./residue.ts";
import { readHeader, withReadHandle } from "./session-load.ts";
import type { SessionPaths } from "./session-paths.ts";
import type { Problem, VerifyReport } from "./session-store.ts";

/** Running checks across the archive and the transcript. */
class EntryChecker {
  readonly problems: Problem[] = [];
  readonly ids = new Set<string>();
  lastSeq = 0;
  count = 0;

  check(file: string, line: number, offset: number, text: string): void {
    const problem = (message: string): void => {
      this.problems.push({ file, line, offset, message });
    };
    const parsed = parseEntry(text);
    if (!parsed.ok) {
      problem(`not a valid entry: ${parsed.problem}`);
      return;
    }
    const entry = parsed.entry;
    this.count += 1;
    if (entry.seq <= this.lastSeq) problem(`seq ${entry.seq} does not follow seq ${this.lastSeq}`);
    else this.lastSeq = entry.seq;
    if (this.ids.has(entry.id)) problem(`entry id ${entry.id} appears twice`);
    if (entry.parentId !== null && !this.ids.has(entry.parentId)) {
      problem(`parent ${entry.parentId} of entry ${entry.id} is not an earlier entry`);
    }
    if (entry.type === "compaction" && entry.firstKeptId !== null && !this.ids.has(entry.firstKeptId)) {
      problem(`first kept entry ${entry.firstKeptId} of compaction ${entry.id} is not an earlier entry`);
    }
    this.ids.add(entry.id);
  }
}

async function checkLines(
  checker: EntryChecker,
  file: string,
  handle: FileHandle,
  from: number,
  to: number,
  firstLine: number,
): Promise<number | undefined> {
  let line = firstLine;
  const lines = forwardLines(handle, from, to);
  for (;;) {
    const next = await lines.next();
    if (next.done === true) {
      const tail = next.value.tailOffset;
      if (tail !== undefined) {
        checker.problems.push({
          file,
          line,
          offset: tail,
          message: `torn tail: ${to - tail} bytes without a newline (opening the session moves them to the quarantine file)`,
        });
      }
      return tail;
    }
    checker.check(file, line, next.value.offset, next.value.text);
    line += 1;
  }
}

async function notesFor(paths: SessionPaths): Promise<string[]> {
  const notes: string[] = [];
  for (const { name, dead } of await findResidue(paths)) {
    notes.push(
      `${name}: temporary file of ${dead ? "a process that is gone (removed by the next rewrite or repair)" : "a running process"}`,
    );
  }
  try {
    const lock = JSON.parse(await readFile(paths.lock, "utf8")) as {
      pid: number;
      startTime: number | null;
      hostname: string;
    };
    const alive = holderLiveness(lock);
    notes.push(
      `${basename(paths.lock)}: append lock held by pid ${lock.pid} (${alive === "dead" ? "gone; the next writer breaks it" : alive})`,
    );
  } catch {
    // No lock file (the normal case) or one being replaced right now.
  }
  for (const name of await readdir(paths.dir)) {
    if (name.startsWith(`${paths.id}.fenced-`)) notes.push(`${name}: output of a fenced turn, kept aside`);
  }
  return notes;
}

export async function verifySession(paths: SessionPaths): Promise<VerifyReport> {
  return withReadHandle(paths, async (handle) => {
    const size = (await handle.stat()).size;
    const { header, headerEnd } = await readHeader(paths, handle, size);
    const checker = new EntryChecker();
    const notes = await notesFor(paths);
    let archivedEntries = 0;
    if (header.archive.bytes > 0) {
      let archive: FileHandle | undefined;
      try {
        archive = await openForRead(paths.archive);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        checker.problems.push({
          file: paths.archive,
          message: `the archive is missing; the header says it holds ${header.archive.bytes} bytes`,
        });
      }
      if (archive !== undefined) {
        try {
          const archiveSize = (await archive.stat()).size;
          if (archiveSize < header.archive.bytes) {
            checker.problems.push({
              file: paths.archive,
              message: `the archive holds ${archiveSize} bytes; the header says ${header.archive.bytes}`,
            });
          } else if (archiveSize > header.archive.bytes) {
            notes.push(
              `${basename(paths.archive)}: ${archiveSize - header.archive.bytes} bytes past the recorded length (an interrupted rewrite; dropped by the next one)`,
            );
          }
          await checkLines(
            checker,
            paths.archive,
            archive,
            0,
            Math.min(archiveSize, header.archive.bytes),
            1,
          );
          archivedEntries = checker.count;
          if (checker.lastSeq !== header.archive.throughSeq) {
            checker.problems.push({
              file: paths.archive,
              message: `the archive ends at seq ${checker.lastSeq}; the header says ${header.archive.throughSeq}`,
            });
          }
        } finally {
          await archive.close();
        }
      }
    }
    await checkLines(checker, paths.file, handle, headerEnd, size, 2);
    return {
      ok: checker.problems.length === 0,
      sessionId: paths.id,
      file: paths.file,
      generation: header.generation,
      entries: checker.count - archivedEntries,
      archivedEntries,
      bytes: size,
      problems: checker.problems,
      notes,
    };
  });
}
