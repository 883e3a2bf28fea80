// The record of one step as the engine runs it: attempt reports, skips, the narrative the error
// message is built from, and the output the caller has seen but that no attempt has committed.
// It emits the matching trace events and builds the result or the FailoverError. No decisions,
// no I/O beyond the `emit` callback.
import type { HealthKey } from "../health/health-key.ts";
import type { HealthChange } from "../health/health-state.ts";
import type { TraceEvent } from "../trace/trace-event.ts";
import type { SkippedTarget, StopCause } from "./action.ts";
import type { AttemptOutcome } from "./attempt.ts";
import type { ExpandedTarget } from "./chain.ts";
import { errorMessage, type NarrativeEntry } from "./error-message.ts";
import { FailoverError } from "./failover-error.ts";
import type { AttemptReport, FailoverResult, SkipReport } from "./failover-result.ts";
import type { Failure } from "./failure.ts";
import type { FailoverPolicy } from "./policy.ts";
import type { PartialOutput } from "./step-state.ts";
import { toTraceKey } from "./trace-key.ts";

/** The parts of an attempt report known before it ends. */
export type AttemptBase = Omit<AttemptReport, "outcome">;

export class StepLog {
  readonly #emit: (event: TraceEvent) => void;
  readonly #targets: readonly ExpandedTarget[];
  readonly #policy: FailoverPolicy;
  readonly #startedAt: number;
  readonly #reports: AttemptReport[] = [];
  readonly #skips: SkipReport[] = [];
  readonly #narrative: NarrativeEntry[] = [];
  readonly #reportedSkips = new Set<string>();
  #shown: PartialOutput | undefined;
  #shownBy: { attempt: number; target: ExpandedTarget } | undefined;

  constructor(
    emit: (event: TraceEvent) => void,
    targets: readonly ExpandedTarget[],
    policy: FailoverPolicy,
    startedAt: number,
  ) {
    this.#emit = emit;
    this.#targets = targets;
    this.#policy = policy;
    this.#startedAt = startedAt;
  }

  /** Output the caller saw from failed attempts and was not told to discard. */
  get shown(): PartialOutput | undefined {
    return this.#shown;
  }

  changes(changes: readonly HealthChange[], at: number): void {
    for (const change of changes) {
      const key = toTraceKey(change.key);
      if (change.type === "cooldown-started") {
        const { until, reason, source } = change;
        this.#emit({ type: "cooldown-started", at, key, until, reason, source });
      } else if (change.type === "breaker-opened") {
        this.#emit({ type: "breaker-opened", at, key, until: change.until, reason: change.reason });
      } else {
        this.#emit({ type: "breaker-closed", at, key });
      }
    }
  }

  /** A breaker opening this step traced did not hold in the shared registry. */
  superseded(key: HealthKey, at: number): void {
    this.#emit({ type: "breaker-closed", at, key: toTraceKey(key), superseded: true });
  }

  halfOpen(key: HealthKey, target: ExpandedTarget, at: number): void {
    this.#emit({ type: "breaker-half-open", at, key: toTraceKey(key), target: target.target });
  }

  /** Reports each skip once per step (the same target, reason and end time). */
  skipped(skipped: readonly SkippedTarget[], at: number): void {
    for (const skip of skipped) {
      const id = `${skip.targetIndex}|${skip.why}|${skip.until ?? ""}`;
      if (this.#reportedSkips.has(id)) continue;
      this.#reportedSkips.add(id);
      const target = (this.#targets[skip.targetIndex] as ExpandedTarget).target;
      let report: SkipReport = { at, target, why: skip.why };
      if (skip.key !== undefined) report = { ...report, key: toTraceKey(skip.key) };
      if (skip.until !== undefined) report = { ...report, until: skip.until };
      if (skip.reason !== undefined) report = { ...report, reason: skip.reason };
      this.#skips.push(report);
      this.#narrative.push({ type: "skip", skip });
      this.#emit({ type: "candidate-skipped", ...report });
    }
  }

  /** Tells the caller to drop everything it was shown since the last discard. */
  discardShown(at: number): void {
    if (this.#shown === undefined || this.#shownBy === undefined) return;
    const { attempt, target } = this.#shownBy;
    this.#emit({
      type: "attempt-discarded",
      at,
      attempt,
      target: target.target,
      textLength: this.#shown.text.length,
    });
    this.#shown = undefined;
    this.#shownBy = undefined;
  }

  /** Remembers what a failed attempt forwarded: it is shown, not committed. */
  #keepShown(base: AttemptBase, outcome: AttemptOutcome, target: ExpandedTarget): void {
    if (!outcome.output.forwarded) return;
    const text = (this.#shown?.text ?? "") + outcome.output.text;
    this.#shown = { text, textOnly: (this.#shown?.textOnly ?? true) && outcome.output.textOnly };
    this.#shownBy = { attempt: base.attempt, target };
  }

  interrupted(
    base: AttemptBase,
    outcome: AttemptOutcome,
    target: ExpandedTarget,
    abort: Failure | undefined,
  ): void {
    this.#keepShown(base, outcome, target);
    const report: AttemptReport = { ...base, outcome: "interrupted" };
    this.#reports.push(
      abort === undefined ? report : { ...report, reason: abort.reason, scope: abort.scope },
    );
    const { attempt, ms } = base;
    this.#narrative.push(
      abort === undefined
        ? { type: "interrupted", attempt, targetIndex: target.index, by: "deadline", ms }
        : {
            type: "failure",
            attempt,
            targetIndex: target.index,
            failure: abort,
            at: base.startedAt + ms,
            ms,
            outputReachedCaller: base.outputReachedCaller,
          },
    );
  }

  failed(base: AttemptBase, outcome: AttemptOutcome, target: ExpandedTarget, failure: Failure): void {
    this.#keepShown(base, outcome, target);
    const raw = outcome.kind === "failed" ? outcome.raw : undefined;
    let report: AttemptReport = {
      ...base,
      outcome: "failed",
      reason: failure.reason,
      scope: failure.scope,
      message: failure.message,
    };
    if (raw?.status !== undefined) report = { ...report, status: raw.status };
    if (raw?.timer !== undefined) report = { ...report, timer: raw.timer };
    this.#reports.push(report);
    const at = base.startedAt + base.ms;
    const { attempt, ms, outputReachedCaller } = base;
    this.#narrative.push({
      type: "failure",
      attempt,
      targetIndex: target.index,
      failure,
      at,
      ms,
      outputReachedCaller,
    });
    let event: TraceEvent = {
      type: "attempt-failed",
      at,
      attempt,
      target: target.target,
      ms,
      reason: failure.reason,
      scope: failure.scope,
      message: failure.message,
      outputReachedCaller,
    };
    if (report.status !== undefined) event = { ...event, status: report.status };
    if (report.timer !== undefined) event = { ...event, timer: report.timer };
    this.#emit(event);
  }

  answered(
    base: AttemptBase,
    outcome: Extract<AttemptOutcome, { kind: "finished" }>,
    target: ExpandedTarget,
    prefix: string,
    now: number,
  ): FailoverResult {
    this.#reports.push({ ...base, outcome: "answered" });
    const { output, usage, finishReason } = outcome;
    const served = target.target;
    this.#emit({
      type: "attempt-finished",
      at: now,
      attempt: base.attempt,
      target: served,
      ms: base.ms,
      finishReason,
      usage,
      ...(outcome.warnings === undefined ? {} : { warnings: outcome.warnings }),
    });
    const ms = now - this.#startedAt;
    this.#emit({
      type: "step-answered",
      at: now,
      served,
      usage,
      finishReason,
      attempts: this.#reports.length,
      ms,
    });
    const first = output.content[0];
    const content =
      prefix === ""
        ? output.content
        : first?.type === "text"
          ? [{ type: "text" as const, text: prefix + first.text }, ...output.content.slice(1)]
          : [{ type: "text" as const, text: prefix }, ...output.content];
    const result: FailoverResult = {
      text: prefix + output.text,
      content,
      toolCalls: output.toolCalls,
      served,
      usage,
      finishReason,
      attempts: this.#reports,
      skipped: this.#skips,
      startedAt: this.#startedAt,
      ms,
    };
    return prefix === "" ? result : { ...result, prefilledText: prefix };
  }

  /** Builds the step's error (first line: the primary cause and its scope) and emits `step-failed`. */
  error(cause: StopCause, now: number): FailoverError {
    this.discardShown(now);
    const input = { cause, narrative: this.#narrative, targets: this.#targets, policy: this.#policy, now };
    const message = errorMessage(input);
    const firstFailure = this.#narrative.find((entry) => entry.type === "failure");
    const primary = cause.failure ?? (firstFailure?.type === "failure" ? firstFailure.failure : undefined);
    const error = new FailoverError(message, {
      kind: cause.kind,
      ...(primary === undefined ? {} : { primary }),
      ...(cause.recoveryAt === undefined ? {} : { recoveryAt: cause.recoveryAt }),
      attempts: this.#reports,
      skipped: this.#skips,
    });
    const ms = now - this.#startedAt;
    let failed: TraceEvent = {
      type: "step-failed",
      at: now,
      kind: cause.kind,
      summary: error.summary,
      attempts: this.#reports.length,
      ms,
    };
    if (primary !== undefined) failed = { ...failed, reason: primary.reason, scope: primary.scope };
    this.#emit(failed);
    return error;
  }
}
