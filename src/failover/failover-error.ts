// The error a failed turn ends with. Its message's first line names the primary cause and its
// scope (failover.md §6); the fields keep the structure for callers (the turn runner compacts
// on `needsCompaction`, the CLI maps `kind` to an exit code). Identity through a Symbol.for
// marker so checks survive two copies of the package.
import type { StopKind } from "../trace/trace-event.ts";
import type { AttemptReport, SkipReport } from "./failover-result.ts";
import type { Failure, FailureReason, FailureScope } from "./failure.ts";

const marker = Symbol.for("baton.failover-error");

export interface FailoverErrorFields {
  readonly kind: StopKind;
  /** The primary cause, when a failure was the cause. */
  readonly primary?: Failure;
  readonly attempts: readonly AttemptReport[];
  readonly skipped: readonly SkipReport[];
  /** When every candidate was cooling past the deadline: the earliest recovery (epoch ms). */
  readonly recoveryAt?: number;
}

export class FailoverError extends Error {
  override readonly name = "FailoverError";
  readonly kind: StopKind;
  readonly reason?: FailureReason;
  readonly scope?: FailureScope;
  readonly primary?: Failure;
  readonly attempts: readonly AttemptReport[];
  readonly skipped: readonly SkipReport[];
  readonly recoveryAt?: number;
  /** True when the prompt is too long for every candidate left: compact and run the step again. */
  readonly needsCompaction: boolean;

  constructor(message: string, fields: FailoverErrorFields) {
    super(message);
    Object.defineProperty(this, marker, { value: true });
    this.kind = fields.kind;
    this.attempts = fields.attempts;
    this.skipped = fields.skipped;
    this.needsCompaction = fields.kind === "context-overflow";
    if (fields.primary !== undefined) {
      this.primary = fields.primary;
      this.reason = fields.primary.reason;
      this.scope = fields.primary.scope;
    }
    if (fields.recoveryAt !== undefined) this.recoveryAt = fields.recoveryAt;
  }

  /** The first line of the message: the primary cause and its scope. */
  get summary(): string {
    return this.message.split("\n", 1)[0] ?? "";
  }

  static isInstance(value: unknown): value is FailoverError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
