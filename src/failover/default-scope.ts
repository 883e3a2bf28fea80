// The default scope of each failure reason (failover.md §2). A classifier rule may narrow or
// widen it when the provider says more (e.g. a Gemini per-model daily quota).
import type { FailureReason, FailureScope } from "./failure.ts";

export const defaultScope: Readonly<Record<FailureReason, FailureScope>> = {
  rate_limit: "credential+model",
  quota_exhausted: "credential",
  billing: "credential",
  auth: "credential",
  permission: "credential+model",
  overloaded: "model",
  server_error: "attempt",
  network: "attempt",
  timeout: "model",
  truncated_stream: "attempt",
  malformed_response: "attempt",
  model_not_found: "model",
  context_overflow: "model",
  content_policy: "request",
  invalid_request: "request",
  session_conflict: "runtime",
  aborted: "runtime",
  internal: "runtime",
};
