// Chooses the fault for one request: the first scenario rule whose match holds for the
// request's provider, protocol, model, key, streaming flag, call number and time since start.
// A `reject-prefill` rule only applies to requests that end with an assistant message. Pure:
// call numbers and elapsed time are inputs.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import type { Fault, FaultMatch, FaultRule } from "./scenario-schema.ts";

export interface RequestFacts {
  readonly provider: string;
  readonly api: WireProtocol;
  readonly model: string;
  readonly apiKey: string | undefined;
  readonly stream: boolean;
  /** 1-based call number of this provider+model. */
  readonly call: number;
  /** Milliseconds since the simulator started or was reset. */
  readonly elapsedMs: number;
  readonly endsWithAssistant: boolean;
}

export interface SelectedFault {
  readonly rule: FaultRule;
  /** Position of the rule in `faults`. */
  readonly index: number;
}

function oneOf(expected: string | readonly string[] | undefined, actual: string | undefined): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return typeof expected === "string" ? expected === actual : expected.includes(actual);
}

/** True when every condition of `match` holds. */
export function matchHolds(match: FaultMatch | undefined, facts: RequestFacts): boolean {
  if (match === undefined) return true;
  if (!oneOf(match.provider, facts.provider)) return false;
  if (!oneOf(match.api, facts.api)) return false;
  if (!oneOf(match.model, facts.model)) return false;
  if (!oneOf(match.apiKey, facts.apiKey)) return false;
  if (match.stream !== undefined && match.stream !== facts.stream) return false;
  if (match.calls?.from !== undefined && facts.call < match.calls.from) return false;
  if (match.calls?.to !== undefined && facts.call > match.calls.to) return false;
  if (match.window?.fromMs !== undefined && facts.elapsedMs < match.window.fromMs) return false;
  if (match.window?.untilMs !== undefined && facts.elapsedMs >= match.window.untilMs) return false;
  return true;
}

function applies(fault: Fault, facts: RequestFacts): boolean {
  return fault.kind !== "reject-prefill" || facts.endsWithAssistant;
}

/** The first rule that matches and applies, or undefined for a healthy answer. */
export function selectFault(
  rules: readonly FaultRule[] | undefined,
  facts: RequestFacts,
): SelectedFault | undefined {
  const all = rules ?? [];
  for (let index = 0; index < all.length; index += 1) {
    const rule = all[index] as FaultRule;
    if (matchHolds(rule.match, facts) && applies(rule.fault, facts)) return { rule, index };
  }
  return undefined;
}

/** Time left in the rule's window, when the window has an end: the natural reset time of a quota window. */
export function windowRemainingMs(match: FaultMatch | undefined, elapsedMs: number): number | undefined {
  const until = match?.window?.untilMs;
  return until === undefined ? undefined : Math.max(0, until - elapsedMs);
}
