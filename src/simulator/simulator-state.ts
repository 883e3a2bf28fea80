// The mutable state one running simulator shares between its connections: the scenario in
// force, the request log (with call counters and clock), the per-request hook, and the signal
// that tells every pending reply the simulator is closing.
import type { RequestLog, SimulatorLogEntry } from "./request-log.ts";
import type { Scenario } from "./scenario-schema.ts";

export interface SimulatorState {
  scenario: Scenario;
  readonly log: RequestLog;
  /** Called when the simulator has decided what to do with a request. */
  readonly onRequest?: (entry: SimulatorLogEntry) => void;
  /** Aborted when the simulator closes. */
  readonly closing: AbortSignal;
}
