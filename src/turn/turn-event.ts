// What a library caller sees while a turn runs: every failover trace event (content deltas,
// attempts, waits, skips, discards, decisions) plus the runner's own steps: tool activity,
// other writers' entries integrated into the session, and compaction.
import type { TraceEvent } from "../trace/trace-event.ts";

export type TurnEvent =
  | TraceEvent
  | {
      readonly type: "turn-started";
      readonly at: number;
      readonly turnId: string;
      readonly sessionId?: string;
    }
  | { readonly type: "step-started"; readonly at: number; readonly step: number }
  | {
      readonly type: "tool-started";
      readonly at: number;
      readonly toolCallId: string;
      readonly toolName: string;
      readonly input: unknown;
    }
  | {
      readonly type: "tool-finished";
      readonly at: number;
      readonly toolCallId: string;
      readonly toolName: string;
      readonly isError: boolean;
      readonly output: string;
    }
  | {
      readonly type: "session-rebased";
      readonly at: number;
      /** Entries other writers appended that this turn wrote on top of. */
      readonly integrated: number;
      /** True when a rewrite (compaction) happened meanwhile. */
      readonly rewritten: boolean;
    }
  | { readonly type: "compaction-started"; readonly at: number; readonly why: string }
  | { readonly type: "compaction-finished"; readonly at: number; readonly compacted: boolean };
