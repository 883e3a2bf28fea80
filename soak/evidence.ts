// Everything a soak run leaves behind, gathered in one value for the invariant checkers: the
// workers' records and the turns rebuilt from them, tool executions, background writers'
// acknowledged notes, the simulator's request log (with wall-clock times), which process held
// which canary keys, every process incarnation (how it ended, when it was frozen), each
// session's files as parsed, and what the canary scan found. Types and small pure helpers.
import type { VerifyReport } from "../src/session/index.ts";
import type { Attribution, SimRequest } from "./attribution.ts";
import type { CanaryKey, Leak } from "./canary.ts";
import type { TurnView } from "./turns.ts";
import type { ToolExecution, WorkerRecord } from "./worker-log.ts";

export interface Incarnation {
  readonly slot: string;
  readonly kind: "worker" | "gateway" | "writer";
  /** The session a writer writes to. */
  readonly session?: string;
  readonly inc: number;
  readonly pid: number;
  readonly startedAt: number;
  endedAt?: number;
  /** killed: SIGKILLed by the soak; stopped: ended on SIGTERM; crashed: exited on its own. */
  end: "killed" | "stopped" | "crashed" | "running";
  exitCode?: number | null;
  signal?: string | null;
  readonly freezes: { from: number; until: number }[];
  readonly stdoutFile: string;
  readonly stderrFile: string;
}

export interface WriterAck {
  readonly slot: string;
  readonly inc: number;
  readonly session: string;
  readonly note: string;
  readonly id: string;
  readonly seq: number;
}

/** A transcript or archive line as parsed (entries keep every field; only these are read here). */
export interface EntryLine {
  readonly seq: number;
  readonly id: string;
  readonly parentId: string | null;
  readonly type: string;
  readonly turnId?: string;
  readonly text?: string;
  readonly message?: { role: string; content?: unknown; toolCallId?: string };
}

export interface SessionFiles {
  readonly id: string;
  readonly entries: readonly EntryLine[];
  /** Lines of the transcript and valid archive part that did not parse. */
  readonly unparsable: number;
  readonly verify: VerifyReport;
  readonly sideFiles: readonly string[];
  readonly quarantineRecords: number;
}

export interface Evidence {
  readonly seed: number;
  readonly records: readonly WorkerRecord[];
  readonly turns: readonly TurnView[];
  readonly tools: readonly ToolExecution[];
  readonly writerAcks: readonly WriterAck[];
  readonly requests: readonly SimRequest[];
  readonly keys: readonly CanaryKey[];
  readonly incarnations: readonly Incarnation[];
  readonly sessions: readonly SessionFiles[];
  readonly leaks: readonly Leak[];
  readonly scanned: { readonly files: number; readonly bytes: number };
  /** Log lines that did not parse (a record torn by SIGKILL). */
  readonly tornRecords: number;
  readonly attribution: Attribution;
}

/** The incarnation a worker record or turn belongs to. */
export function incarnationOf(
  evidence: Pick<Evidence, "incarnations">,
  slot: string,
  inc: number,
): Incarnation | undefined {
  return evidence.incarnations.find((candidate) => candidate.slot === slot && candidate.inc === inc);
}

/** True when the process was frozen (SIGSTOP) at any time in [from, until]. */
export function frozenDuring(incarnation: Incarnation | undefined, from: number, until: number): boolean {
  return (incarnation?.freezes ?? []).some((freeze) => freeze.from <= until && freeze.until >= from);
}
