// The quarantine file next to a session: every byte the store removes from a transcript (a torn
// tail after a crash, a corrupt line removed by repair, an original line repair rewrote) is
// appended here first, base64 in one JSON line per removal, and fsynced before the removal.
// Does not protect against the quarantine file itself being deleted or edited by hand.
import { constants } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { fileMode, isNotFound, writeAll } from "./durable-fs.ts";
import type { SessionPaths } from "./session-paths.ts";

export interface QuarantineRecord {
  readonly type: "quarantine";
  readonly at: string;
  readonly sessionId: string;
  /** Which file the bytes came from. */
  readonly file: "transcript" | "archive" | "import";
  readonly generation: number;
  readonly offset: number;
  /** 1-based line number, when known. */
  readonly line?: number;
  readonly reason: string;
  readonly length: number;
  readonly base64: string;
}

export type QuarantineInput = Omit<QuarantineRecord, "type" | "at" | "sessionId" | "length" | "base64"> & {
  readonly bytes: Buffer;
};

/** Appends removal records and fsyncs them. Call before the bytes are removed. */
export async function quarantine(paths: SessionPaths, inputs: readonly QuarantineInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const at = new Date().toISOString();
  const lines = inputs.map(({ bytes, ...rest }) => {
    const record: QuarantineRecord = {
      type: "quarantine",
      at,
      sessionId: paths.id,
      ...rest,
      length: bytes.length,
      base64: bytes.toString("base64"),
    };
    return `${JSON.stringify(record)}\n`;
  });
  const handle = await open(
    paths.quarantine,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
    fileMode,
  );
  try {
    await writeAll(handle, Buffer.from(lines.join("")));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every record in the quarantine file (empty when there is none). */
export async function readQuarantine(paths: SessionPaths): Promise<QuarantineRecord[]> {
  try {
    const text = await readFile(paths.quarantine, "utf8");
    return text
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as QuarantineRecord);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
