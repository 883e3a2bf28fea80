// Maps whatever ended a turn (the failover engine's error, a session error, an abort, a bug)
// to one TurnError with a reason, a scope and a kind the CLI turns into an exit code.
import { ConfigError } from "../config/config-error.ts";
import { FailoverError } from "../failover/failover-error.ts";
import type { AttemptReport } from "../failover/failover-result.ts";
import type { FailureScope } from "../failover/failure.ts";
import type { HealthKeyKind } from "../health/health-key.ts";
import { SessionBusyError, SessionConflictError, SessionError } from "../session/session-errors.ts";
import { TurnError } from "./turn-error.ts";

const scopeOfKey: Readonly<Record<HealthKeyKind, FailureScope>> = {
  provider: "provider",
  credential: "credential",
  model: "model",
  "credential-model": "credential+model",
};

export function toTurnError(
  error: unknown,
  attempts: readonly AttemptReport[],
  signal?: AbortSignal,
): TurnError {
  if (TurnError.isInstance(error)) return error;
  if (FailoverError.isInstance(error)) {
    const all = [...attempts, ...error.attempts];
    // A turn that found every candidate cooling sent nothing: its cause is why the first one cooled.
    const skip = error.skipped.find((candidate) => candidate.reason !== undefined);
    const reason =
      error.reason ??
      skip?.reason ??
      (error.kind === "deadline" ? "timeout" : error.kind === "runtime" ? "internal" : "overloaded");
    const scope =
      error.scope ??
      (skip?.key === undefined
        ? error.kind === "runtime"
          ? "runtime"
          : "provider"
        : scopeOfKey[skip.key.kind]);
    if (error.kind === "runtime") {
      const kind = reason === "aborted" ? "aborted" : reason === "session_conflict" ? "session" : "internal";
      return new TurnError(error.message, { kind, reason, scope, attempts: all, cause: error });
    }
    return new TurnError(error.message, {
      kind: error.kind === "request" ? "request" : "providers",
      reason,
      scope,
      attempts: all,
      cause: error,
    });
  }
  if (error instanceof ConfigError) {
    return new TurnError(error.message, {
      kind: "config",
      reason: "config",
      scope: "runtime",
      attempts,
      cause: error,
    });
  }
  if (error instanceof SessionConflictError) {
    return new TurnError(error.message, {
      kind: "session",
      reason: "session_conflict",
      scope: "runtime",
      attempts,
      ...(error.sideFile === undefined ? {} : { sideFile: error.sideFile }),
      cause: error,
    });
  }
  if (error instanceof SessionBusyError) {
    return new TurnError(error.message, {
      kind: "session",
      reason: "session_busy",
      scope: "runtime",
      attempts,
      cause: error,
    });
  }
  if (error instanceof SessionError) {
    return new TurnError(error.message, {
      kind: "session",
      reason: "session_error",
      scope: "runtime",
      attempts,
      cause: error,
    });
  }
  if (signal?.aborted === true) {
    return new TurnError("aborted by the caller", {
      kind: "aborted",
      reason: "aborted",
      scope: "runtime",
      attempts,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TurnError(`internal error: ${message}`, {
    kind: "internal",
    reason: "internal",
    scope: "runtime",
    attempts,
    cause: error,
  });
}
