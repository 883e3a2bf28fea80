// The oracle: from what the simulator logged for one request (its outcome, protocol, whether it
// streamed), what a correct Baton must conclude about that attempt: a complete answer, or a
// failure with one of a few reasons. Written from docs/failures.md and docs/simulator.md, not
// from Baton's classifier, so the soak checks the classifier instead of repeating it. Pure.
import type { FailureReason } from "../src/failover/failure.ts";
import type { WireProtocol } from "../src/providers/wire-protocol.ts";
import { soakTimers } from "./topology.ts";

/** The reason each catalogue entry must be classified as (docs/failures.md, "Recognised shapes"). */
export const catalogueReasons: Readonly<Record<string, FailureReason>> = {
  "openai.rate_limit_exceeded": "rate_limit",
  "openai.insufficient_quota": "quota_exhausted",
  "openai.usage_limit_reached": "quota_exhausted",
  "openai.invalid_api_key": "auth",
  "openai.missing_api_key": "auth",
  "openai.permission_denied": "permission",
  "openai.unsupported_region": "permission",
  "openai.model_not_found": "model_not_found",
  "openai.context_length_exceeded": "context_overflow",
  "openai.content_policy": "content_policy",
  "openai.invalid_request": "invalid_request",
  "openai.prefill_unsupported": "invalid_request",
  "openai.server_error_500": "server_error",
  "openai.bad_gateway_502": "server_error",
  "openai.service_unavailable_503": "overloaded",
  "openai.server_is_overloaded": "overloaded",
  "openai.unknown_url": "model_not_found",
  "anthropic.rate_limit_error": "rate_limit",
  "anthropic.overloaded_error": "overloaded",
  "anthropic.prompt_too_long": "context_overflow",
  "anthropic.authentication_error": "auth",
  "anthropic.missing_api_key": "auth",
  "anthropic.permission_error": "permission",
  "anthropic.not_found_error": "model_not_found",
  "anthropic.credit_balance_too_low": "billing",
  "anthropic.prefill_unsupported": "invalid_request",
  "anthropic.invalid_thinking_signature": "invalid_request",
  "anthropic.invalid_request_error": "invalid_request",
  "anthropic.api_error": "server_error",
  "gemini.resource_exhausted": "rate_limit",
  "gemini.resource_exhausted_daily": "quota_exhausted",
  "gemini.unavailable": "overloaded",
  "gemini.internal": "server_error",
  "gemini.api_key_invalid": "auth",
  "gemini.missing_api_key": "auth",
  "gemini.permission_denied": "permission",
  "gemini.not_found": "model_not_found",
  "gemini.token_limit": "context_overflow",
  "gemini.prefill_unsupported": "invalid_request",
  "gemini.invalid_argument": "invalid_request",
};

/**
 * In a stream there is no HTTP status to go by: an error event is classified by its body alone.
 * OpenAI's 503 "model overloaded" body carries only `type: server_error` and no code, so in a
 * stream the documented rule is `stream-error-event` (server_error); overloaded is accepted too.
 */
const inStreamReasons: Readonly<Record<string, readonly FailureReason[]>> = {
  "openai.service_unavailable_503": ["overloaded", "server_error"],
};

export type Expectation =
  | { readonly kind: "answer" }
  | { readonly kind: "failure"; readonly reasons: readonly FailureReason[] }
  /** Either a complete answer or a failure with one of these reasons is right. */
  | { readonly kind: "either"; readonly reasons: readonly FailureReason[] }
  /** Not a fault of the request: the soak cannot say (an unknown outcome). */
  | { readonly kind: "unknown"; readonly why: string };

export interface LoggedRequest {
  readonly outcome: string;
  readonly api: WireProtocol;
  readonly stream: boolean;
}

/**
 * Tokens the simulator's planned reply had, when the soak knows it (a tool call: its `{}`
 * arguments are one token). Without it the reply is text of at least five tokens, and the fault
 * plan keeps its token counts below that.
 */
export type ReplyTokens = number | undefined;

const failure = (...reasons: FailureReason[]): Expectation => ({ kind: "failure", reasons });
const answer: Expectation = { kind: "answer" };

/**
 * A cut, stall or in-stream error placed after the reply's last token follows every frame but
 * the terminator: for OpenAI Chat that includes the finish chunk (only `[DONE]` is missing), so
 * a complete answer is right too; for the other protocols the terminator is the finish event.
 */
function afterLastToken(
  request: LoggedRequest,
  tokens: number,
  replyTokens: ReplyTokens,
  otherwise: Expectation,
): Expectation {
  const reasons = otherwise.kind === "failure" ? otherwise.reasons : [];
  if (replyTokens === undefined || tokens < replyTokens || !request.stream) return otherwise;
  if (request.api === "openai-chat") return { kind: "either", reasons };
  return failure(...new Set<FailureReason>(["truncated_stream", ...reasons]));
}

/** What Baton must make of one request the simulator answered as `outcome`. */
export function expectationOf(request: LoggedRequest, replyTokens?: ReplyTokens): Expectation {
  const [kind = "", detail = ""] = splitOutcome(request.outcome);
  switch (kind) {
    case "ok":
      return answer;
    case "http-error":
    case "reject-prefill": {
      const reason = catalogueReasons[detail];
      return reason === undefined ? { kind: "unknown", why: `no oracle for ${detail}` } : failure(reason);
    }
    case "stream-error": {
      const reason = inStreamReasons[detail] ?? catalogueReasons[detail];
      if (reason === undefined) return { kind: "unknown", why: `no oracle for ${detail}` };
      // The log does not say after how many tokens; a one-token tool call may come before it.
      return afterLastToken(request, 1, replyTokens, failure(...[reason].flat()));
    }
    case "rejected":
    case "invalid-request":
      return failure("invalid_request");
    case "reset-before-headers":
      return failure("network");
    case "never-answer":
      return failure("timeout");
    case "stall-after":
      return afterLastToken(request, Number(detail), replyTokens, failure("timeout"));
    case "slow-first-token":
      return Number(detail) < soakTimers.firstTokenMs ? answer : failure("timeout");
    case "cut-after":
      return request.stream
        ? afterLastToken(request, Number(detail), replyTokens, failure("truncated_stream"))
        : failure("truncated_stream", "malformed_response");
    case "malformed-event":
      // One corrupt event in a stream is skipped; a non-streamed body cut in half is not JSON.
      return request.stream ? answer : failure("malformed_response");
    case "missing-terminator":
      // OpenAI Chat's finish chunk arrived (only `data: [DONE]` is missing); the others lack their finish event.
      return request.api === "openai-chat" || !request.stream ? answer : failure("truncated_stream");
    default:
      return { kind: "unknown", why: `unknown outcome ${request.outcome}` };
  }
}

/** `http-error:openai.rate_limit_exceeded` -> [`http-error`, `openai.rate_limit_exceeded`]. */
export function splitOutcome(outcome: string): [string, string] {
  const colon = outcome.indexOf(":");
  return colon === -1 ? [outcome, ""] : [outcome.slice(0, colon), outcome.slice(colon + 1)];
}

/** True for outcomes where the provider refused the conversation Baton built (a Baton conversion bug). */
export function isConversationRefusal(outcome: string): boolean {
  return outcome.startsWith("rejected:") || outcome === "invalid-request";
}
