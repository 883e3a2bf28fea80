// Which HTTP status, OpenAI error type and code a failed turn is answered with. The turn's
// reason and scope (and the engine's stop kind) decide; the body keeps them in `error.baton`.
// A provider's own 401/402/403 is never passed on as such: it is the gateway's account that
// failed, not the client's token, so the client gets a 502 that says so.
import { FailoverError } from "../failover/failover-error.ts";
import type { HealthKeyKind } from "../health/health-key.ts";
import { TurnError } from "../turn/turn-error.ts";
import { GatewayError, type OpenAiErrorType } from "./gateway-error.ts";

interface StatusRule {
  readonly status: number;
  readonly type: OpenAiErrorType;
  /** False when sending the same request again cannot help (OpenAI clients read x-should-retry). */
  readonly retry: boolean;
}

const byReason: Readonly<Record<string, StatusRule>> = {
  rate_limit: { status: 429, type: "rate_limit_error", retry: true },
  quota_exhausted: { status: 429, type: "rate_limit_error", retry: false },
  billing: { status: 502, type: "server_error", retry: false },
  auth: { status: 502, type: "server_error", retry: false },
  permission: { status: 502, type: "server_error", retry: false },
  overloaded: { status: 503, type: "server_error", retry: true },
  server_error: { status: 502, type: "server_error", retry: true },
  network: { status: 502, type: "server_error", retry: true },
  timeout: { status: 504, type: "server_error", retry: true },
  truncated_stream: { status: 502, type: "server_error", retry: true },
  malformed_response: { status: 502, type: "server_error", retry: true },
  model_not_found: { status: 404, type: "not_found_error", retry: false },
  context_overflow: { status: 400, type: "invalid_request_error", retry: false },
  content_policy: { status: 400, type: "invalid_request_error", retry: false },
  invalid_request: { status: 400, type: "invalid_request_error", retry: false },
  session_conflict: { status: 409, type: "conflict_error", retry: true },
  session_busy: { status: 409, type: "conflict_error", retry: true },
  session_error: { status: 400, type: "invalid_request_error", retry: false },
  aborted: { status: 503, type: "server_error", retry: true },
  config: { status: 500, type: "server_error", retry: false },
  internal: { status: 500, type: "server_error", retry: false },
};

/** A recovery further away than this is not worth an automatic client retry. */
const maxClientWaitSeconds = 60;

/** OpenAI's codes where one exists for the same thing; Baton's reason otherwise. */
const codeOf: Readonly<Record<string, string>> = {
  rate_limit: "rate_limit_exceeded",
  quota_exhausted: "insufficient_quota",
  context_overflow: "context_length_exceeded",
  content_policy: "content_policy_violation",
  model_not_found: "model_not_found",
};

/** The failure scope a cooling health key stands for. */
function scopeOfKey(kind: HealthKeyKind | undefined): string {
  switch (kind) {
    case "credential":
      return "credential";
    case "credential-model":
      return "credential+model";
    case "model":
      return "model";
    case "provider":
      return "provider";
    default:
      return "runtime";
  }
}

/**
 * The gateway's answer to a failed turn.
 * @example
 * const error = gatewayErrorOf(turnError); // 429 rate_limit_error, error.baton = { reason, scope, ... }
 */
export function gatewayErrorOf(error: unknown, now: number = Date.now()): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  if (!TurnError.isInstance(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new GatewayError(`internal error: ${message}`, {
      status: 500,
      type: "server_error",
      code: "internal",
      baton: { reason: "internal", scope: "runtime" },
    });
  }
  const stop = FailoverError.isInstance(error.cause) ? error.cause : undefined;
  // Every candidate skipped (cooling, breaker open) and none tried: the skips say why.
  const skip =
    stop?.primary === undefined ? stop?.skipped.find((entry) => entry.reason !== undefined) : undefined;
  const reason: string = skip?.reason ?? error.reason;
  const scope: string = skip === undefined ? error.scope : scopeOfKey(skip.key?.kind);
  const deadline = stop?.kind === "deadline";
  const rule = deadline
    ? { status: 504, type: "server_error" as const, retry: true }
    : (byReason[reason] ?? byReason.internal);
  const resolved = rule as StatusRule;
  const retryAfter =
    stop?.recoveryAt !== undefined && stop.recoveryAt > now
      ? Math.ceil((stop.recoveryAt - now) / 1000)
      : undefined;
  // OpenAI clients retry on their own unless told not to: only when a retry soon can succeed.
  const retry = resolved.retry && (retryAfter === undefined || retryAfter <= maxClientWaitSeconds);
  const headers: Record<string, string> = { "x-should-retry": String(retry) };
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  return new GatewayError(error.message, {
    status: resolved.status,
    type: resolved.type,
    code: codeOf[reason] ?? reason,
    baton: {
      reason,
      scope,
      kind: stop?.kind ?? error.kind,
      attempts: error.attempts.length,
      ...(stop?.recoveryAt === undefined ? {} : { recoveryAt: new Date(stop.recoveryAt).toISOString() }),
    },
    headers,
  });
}
