// Format migrations: a file written in an older format version is rewritten in the current one
// when it is opened (under the append lock, generation + 1, the old lines kept in the quarantine
// file). Each step turns version N into N + 1, header and entries, as plain JSON. Version 1 is
// the first format, so there are no steps yet; the machinery is here so the first change of the
// format only has to add one.
import type { FileHandle } from "node:fs/promises";
import { acquireAppendLock, type LockTiming } from "./append-lock.ts";
import { openForRead, replaceFile, writeAll } from "./durable-fs.ts";
import { forwardLines, readFirstLine } from "./file-lines.ts";
import { quarantine } from "./quarantine.ts";
import { sessionFormatVersion } from "./session-entry.ts";
import { SessionError } from "./session-errors.ts";
import type { SessionPaths } from "./session-paths.ts";

type Json = Record<string, unknown>;

export interface MigrationStep {
  /** The version this step reads; it writes `from + 1`. */
  readonly from: number;
  migrateHeader(header: Json): Json;
  migrateEntry(entry: Json): Json;
}

/** Registered steps, oldest first. */
export const migrationSteps: readonly MigrationStep[] = [];

/** The steps from `from` to `to`, or a message saying which one is missing. */
export function migrationPath(
  from: number,
  to: number,
  steps: readonly MigrationStep[] = migrationSteps,
): MigrationStep[] | string {
  const path: MigrationStep[] = [];
  for (let version = from; version < to; version += 1) {
    const step = steps.find((candidate) => candidate.from === version);
    if (step === undefined) return `no migration from session format version ${version} to ${version + 1}`;
    path.push(step);
  }
  return path;
}

/** Applies steps to a header and its entries (plain JSON), returning the migrated lines. */
export function migrateRecords(
  header: Json,
  entries: readonly Json[],
  path: readonly MigrationStep[],
): { header: Json; entries: Json[] } {
  let migratedHeader = header;
  let migratedEntries = [...entries];
  for (const step of path) {
    migratedHeader = { ...step.migrateHeader(migratedHeader), version: step.from + 1 };
    migratedEntries = migratedEntries.map((entry) => step.migrateEntry(entry));
  }
  const generation = typeof migratedHeader.generation === "number" ? migratedHeader.generation + 1 : 1;
  return { header: { ...migratedHeader, generation }, entries: migratedEntries };
}

/** Rewrites an older-version session file in the current version. */
export async function migrateSessionFile(
  paths: SessionPaths,
  fromVersion: number,
  timing: LockTiming,
): Promise<void> {
  const path = migrationPath(fromVersion, sessionFormatVersion);
  if (typeof path === "string")
    throw new SessionError("unsupported_version", `${paths.file}: ${path}`, { file: paths.file, line: 1 });
  const lock = await acquireAppendLock(paths.lock, timing);
  let handle: FileHandle | undefined;
  try {
    handle = await openForRead(paths.file);
    const size = (await handle.stat()).size;
    const first = await readFirstLine(handle, size);
    const header = JSON.parse(first.text) as Json;
    if (header.version !== fromVersion) return;
    const entries: Json[] = [];
    for await (const line of forwardLines(handle, first.end ?? size, size))
      entries.push(JSON.parse(line.text) as Json);
    const migrated = migrateRecords(header, entries, path);
    const original = Buffer.alloc(size);
    await handle.read(original, 0, size, 0);
    await replaceFile(
      paths.file,
      paths.tempPrefix,
      async (out) => {
        const lines = [migrated.header, ...migrated.entries].map((record) => `${JSON.stringify(record)}\n`);
        await writeAll(out, Buffer.from(lines.join("")));
      },
      () =>
        quarantine(paths, [
          {
            file: "transcript",
            generation: Number(header.generation ?? 0),
            offset: 0,
            reason: `migrated from format version ${fromVersion}`,
            bytes: original,
          },
        ]),
    );
  } finally {
    await handle?.close();
    await lock.release();
  }
}
