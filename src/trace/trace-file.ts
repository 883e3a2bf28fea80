// The trace written beside a session: one JSON line per event (content deltas left out), each
// tagged with its turn, in `<session>.trace.jsonl`. `baton trace` reads it back. Appends one
// batch per turn; a crash mid-turn loses that turn's trace lines, never the transcript.
// Format versions: 1 (no `v` field) named the engine's per-step events `turn-answered` and
// `turn-failed`; 2 names them `step-answered` and `step-failed`. Reading upgrades old lines.
import { appendFile, readFile } from "node:fs/promises";

/** The version written into every new trace line's `v` field. */
export const traceFormatVersion = 2;

export interface TraceLine {
  readonly turnId: string;
  /** Trace format version; absent in version 1 lines. */
  readonly v?: number;
  readonly type: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

const contentEvents = new Set(["text-delta", "reasoning-delta"]);

/** True for events worth keeping in the trace file (everything but content deltas). */
export function isTraceWorthy(event: { type: string }): boolean {
  return !contentEvents.has(event.type);
}

export async function appendTraceLines(file: string, lines: readonly TraceLine[]): Promise<void> {
  if (lines.length === 0) return;
  await appendFile(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`, { mode: 0o600 });
}

export async function readTraceLines(file: string): Promise<TraceLine[]> {
  const text = await readFile(file, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => upgradeTraceLine(JSON.parse(line) as TraceLine));
}

/** Version 1 event names of the engine's per-step events, and their version 2 names. */
const renamedInVersion2: Readonly<Record<string, string>> = {
  "turn-answered": "step-answered",
  "turn-failed": "step-failed",
};

/** Reads a line of any known version as the current version. */
export function upgradeTraceLine(line: TraceLine): TraceLine {
  if (line.v !== undefined && line.v >= 2) return line;
  const type = Object.hasOwn(renamedInVersion2, line.type) ? renamedInVersion2[line.type] : undefined;
  return { ...line, v: traceFormatVersion, ...(type === undefined ? {} : { type }) };
}
