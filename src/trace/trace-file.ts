// The trace written beside a session: one JSON line per event (content deltas left out), each
// tagged with its turn, in `<session>.trace.jsonl`. `baton trace` reads it back. Appends one
// batch per turn; a crash mid-turn loses that turn's trace lines, never the transcript.
import { appendFile, readFile } from "node:fs/promises";

export interface TraceLine {
  readonly turnId: string;
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
    .map((line) => JSON.parse(line) as TraceLine);
}
