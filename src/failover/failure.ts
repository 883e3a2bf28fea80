// The classified failure: a reason and a scope (see docs/failures.md and the design's
// failover.md). This module holds types and constants only; classify.ts produces them,
// decide.ts consumes them.
import type { ProviderFailure } from "../providers/provider-failure.ts";

export const failureReasons = [
  "rate_limit",
  "quota_exhausted",
  "billing",
  "auth",
  "permission",
  "overloaded",
  "server_error",
  "network",
  "timeout",
  "truncated_stream",
  "malformed_response",
  "model_not_found",
  "context_overflow",
  "content_policy",
  "invalid_request",
  "session_conflict",
  "aborted",
  "internal",
] as const;

export type FailureReason = (typeof failureReasons)[number];

/**
 * Who a failure is about. Target scopes, narrow to wide:
 * attempt < credential+model < model < credential < provider.
 * `request` (the request itself is wrong) and `runtime` (local: session, abort, bug) are
 * outside the target hierarchy and never touch health.
 */
export type FailureScope =
  | "attempt"
  | "credential+model"
  | "model"
  | "credential"
  | "provider"
  | "request"
  | "runtime";

/** Where a retry hint came from, for the trace. */
export type RetryHintSource =
  | "retry-after"
  | "retry-after-ms"
  | "x-ratelimit-reset"
  | "anthropic-ratelimit-reset"
  | "body-reset-time"
  | "gemini-retry-info";

export interface Failure {
  readonly reason: FailureReason;
  readonly scope: FailureScope;
  /** One line, secret-free, naming what happened. */
  readonly message: string;
  /** How long the provider asked us to wait, when it said. */
  readonly retryAfterMs?: number;
  /** When the provider said the limit resets, epoch milliseconds. */
  readonly resetAt?: number;
  readonly hintSource?: RetryHintSource;
  /** The raw facts, for provider failures; absent for runtime failures. */
  readonly raw?: ProviderFailure;
}

/** Scopes that describe a target (and so may touch health). */
export function isTargetScope(scope: FailureScope): boolean {
  return scope !== "request" && scope !== "runtime";
}
