// What a soak worker writes, one JSON line per record, to its own log file: its start, each
// turn's start, every trace event but the content deltas (as it happens, so a SIGKILLed turn
// leaves what it did), every entry the session store acknowledged, aborts, the turn's outcome,
// and tool executions (to a separate file). Records are written with a synchronous write, so a
// record that exists was complete before the process died. Types and the reader only.
import { readFile } from "node:fs/promises";
import type { ModelTarget } from "../src/providers/model-stream.ts";
import type { TurnEvent } from "../src/turn/turn-event.ts";

interface Base {
  /** Process slot (`w0`...) and incarnation (1 for the first start, +1 per restart). */
  readonly slot: string;
  readonly inc: number;
  readonly at: number;
}

export interface AckedEntry {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
}

export interface TurnErrorSummary {
  readonly kind: string;
  readonly reason: string;
  readonly scope: string;
  readonly message: string;
  readonly sideFile?: string;
}

export type WorkerRecord =
  | (Base & { readonly t: "start"; readonly pid: number })
  | (Base & {
      readonly t: "turn-start";
      readonly turnId: string;
      readonly sessionId: string;
      readonly message: string;
      readonly tools: boolean;
      /** Set when the worker will abort this turn after so many ms. */
      readonly abortAfterMs?: number;
      /** A gateway turn: its events come from the session's trace file, written when it ended. */
      readonly fromTrace?: boolean;
    })
  | (Base & { readonly t: "event"; readonly turnId: string; readonly event: TurnEvent })
  | (Base & {
      readonly t: "ack";
      readonly turnId?: string;
      readonly sessionId: string;
      readonly entries: readonly AckedEntry[];
    })
  | (Base & { readonly t: "abort"; readonly turnId: string })
  | (Base & {
      readonly t: "turn-end";
      readonly turnId: string;
      readonly sessionId: string;
      readonly ok: true;
      readonly text: string;
      /** The final step's text as the caller saw it stream, after applying `attempt-discarded`. */
      readonly visibleText: string;
      readonly served: ModelTarget;
      readonly finishReason: string;
      readonly steps: number;
      readonly toolCalls: readonly string[];
    })
  | (Base & {
      readonly t: "turn-end";
      readonly turnId: string;
      readonly sessionId: string;
      readonly ok: false;
      readonly error: TurnErrorSummary;
    })
  | (Base & { readonly t: "stop" });

export type TurnEndRecord = Extract<WorkerRecord, { t: "turn-end" }>;

/** One execution of the soak's tool. */
export interface ToolExecution {
  readonly slot: string;
  readonly inc: number;
  readonly turnId: string;
  readonly toolCallId: string;
  readonly at: number;
}

/** Parses a JSONL file; a torn last line (the writer was killed mid-write) is skipped and counted. */
export async function readJsonLines<T>(file: string): Promise<{ records: T[]; torn: number }> {
  const text = await readFile(file, "utf8").catch(() => "");
  const records: T[] = [];
  let torn = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      torn += 1;
    }
  }
  return { records, torn };
}
