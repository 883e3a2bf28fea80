// The error a failed turn ends with: the failover engine's cause (reason and scope) or the
// session's, with the attempts made, and where fenced output was saved.
import type { AttemptReport } from "../failover/failover-result.ts";
import type { FailureReason, FailureScope } from "../failover/failure.ts";

/** Which family of failure ended the turn; the CLI maps it to an exit code. */
export type TurnErrorKind = "providers" | "request" | "session" | "aborted" | "config" | "internal";

const marker = Symbol.for("baton.turn-error");

export class TurnError extends Error {
  override readonly name = "TurnError";
  readonly kind: TurnErrorKind;
  readonly reason: FailureReason | "session_busy" | "session_error" | "config";
  readonly scope: FailureScope;
  readonly attempts: readonly AttemptReport[];
  /** Where a fenced turn's output was saved instead of the transcript. */
  readonly sideFile?: string;
  readonly [marker] = true;

  constructor(
    message: string,
    details: {
      kind: TurnErrorKind;
      reason: TurnError["reason"];
      scope: FailureScope;
      attempts?: readonly AttemptReport[];
      sideFile?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.reason = details.reason;
    this.scope = details.scope;
    this.attempts = details.attempts ?? [];
    if (details.sideFile !== undefined) this.sideFile = details.sideFile;
  }

  static isInstance(error: unknown): error is TurnError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
