// When a run fails: the seed, the first violation's process, session and turn, the fault
// sequence the simulator logged for that turn (each request's target, owner, outcome and the
// fault rule that produced it), and the command that replays the run. shrink() re-runs with the
// same seed, fewer workers and a shorter load phase while the same invariant still fails, and
// returns the smallest failing configuration it found.
import type { SimRequest } from "./attribution.ts";
import type { Evidence } from "./evidence.ts";
import type { InvariantResult, Violation } from "./invariant.ts";
import { violationLine } from "./report.ts";
import type { SoakOptions, SoakOutcome } from "./soak.ts";

export function replayCommand(
  options: Pick<SoakOptions, "seed" | "minutes" | "workers" | "gateways">,
): string {
  return `npm run soak -- --seed ${options.seed} --minutes ${options.minutes} --workers ${options.workers} --gateways ${options.gateways ?? 0}`;
}

export function firstViolation(
  results: readonly InvariantResult[],
): { result: InvariantResult; violation: Violation } | undefined {
  for (const result of results) {
    const violation = result.violations[0];
    if (violation !== undefined) return { result, violation };
  }
  return undefined;
}

function requestLine(request: SimRequest, evidence: Evidence): string {
  const owner = evidence.keys.find((key) => key.hash === request.keyHash);
  const who = owner === undefined ? request.keyHash : `${owner.slot} ${owner.provider}:${owner.credentialId}`;
  const fault = request.faultName === undefined ? "" : ` [rule ${request.faultName}]`;
  const closed = request.closedByClient === true ? " (client hung up)" : "";
  return `#${request.index} +${request.atMs}ms ${request.provider}/${request.model} (${request.api}) by ${who}: ${request.outcome}${request.status === undefined ? "" : ` ${request.status}`}${fault}${closed}`;
}

/** The requests involved: the violation's own, plus every request of its turn, in order. */
export function faultSequence(violation: Violation, evidence: Evidence): string[] {
  const indexes = new Set(violation.requests ?? []);
  if (violation.turnId !== undefined) {
    for (const [index, attempt] of evidence.attribution.attemptOf)
      if (attempt.turnId === violation.turnId) indexes.add(index);
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => evidence.requests[index])
    .filter((request): request is SimRequest => request !== undefined)
    .map((request) => requestLine(request, evidence));
}

export function reproduction(
  outcome: Pick<SoakOutcome, "results" | "evidence"> & {
    options: Pick<SoakOptions, "seed" | "minutes" | "workers" | "gateways">;
  },
): string {
  const first = firstViolation(outcome.results);
  if (first === undefined) return "";
  const { result, violation } = first;
  const turn = outcome.evidence.turns.find((candidate) => candidate.turnId === violation.turnId);
  const lines = [
    `Reproduction (seed ${outcome.options.seed}):`,
    `  invariant: ${result.title}`,
    `  first violation: ${violationLine(violation)}`,
  ];
  if (turn !== undefined)
    lines.push(
      `  turn ${turn.turnId} of ${turn.slot}.${turn.inc} on session ${turn.sessionId}: message ${JSON.stringify(turn.message)}, tools ${turn.tools}${turn.abortAfterMs === undefined ? "" : `, aborted after ${turn.abortAfterMs} ms`}`,
    );
  const sequence = faultSequence(violation, outcome.evidence);
  if (sequence.length > 0)
    lines.push("  fault sequence (simulator log):", ...sequence.map((line) => `    ${line}`));
  if (turn !== undefined) {
    lines.push("  the turn's trace:");
    for (const event of turn.events.slice(0, 40)) {
      const { type, at, ...rest } = event as { type: string; at: number };
      lines.push(`    +${at - turn.startedAt}ms ${type} ${JSON.stringify(rest).slice(0, 200)}`);
    }
  }
  lines.push(`  replay: ${replayCommand(outcome.options)}`);
  return lines.join("\n");
}

/**
 * Re-runs with the same seed and smaller settings (half the workers, or else half the minutes,
 * down to 1 worker and 0.25 min) while `invariantId` still fails; at most `budget` re-runs.
 */
export async function shrink(
  failed: SoakOutcome,
  invariantId: string,
  run: (options: SoakOptions) => Promise<SoakOutcome>,
  budget = 4,
): Promise<SoakOutcome> {
  let smallest = failed;
  let runs = 0;
  for (;;) {
    const { workers, minutes } = smallest.options;
    const candidates: SoakOptions[] = [];
    if (workers > 1)
      candidates.push({ ...smallest.options, workers: Math.max(1, Math.floor(workers / 2)), out: undefined });
    if (minutes > 0.25)
      candidates.push({
        ...smallest.options,
        minutes: Math.max(0.25, Math.round((minutes / 2) * 100) / 100),
        out: undefined,
      });
    let shrunk = false;
    for (const candidate of candidates) {
      if (runs >= budget) return smallest;
      runs += 1;
      const outcome = await run(candidate);
      if (outcome.results.some((result) => result.id === invariantId && result.violations.length > 0)) {
        smallest = outcome;
        shrunk = true;
        break;
      }
    }
    if (!shrunk) return smallest;
  }
}
