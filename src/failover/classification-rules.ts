// The classifier's table: one row per recognised provider error shape, in the order they are
// tried. Structured fields (status, error.type, error.code, gRPC status, headers, timers,
// transport codes) come first; message patterns come last and each names the real message
// it was written for. docs/failures.md is the human-readable form of this table.
import type { ProviderFailure } from "../providers/provider-failure.ts";
import type { FailureReason, FailureScope } from "./failure.ts";

export interface ClassificationRule {
  /** Stable id, shown in tests and docs. */
  readonly id: string;
  readonly reason: FailureReason;
  /** Overrides the reason's default scope. */
  readonly scope?: FailureScope;
  /** Which providers send this shape (documentation only). */
  readonly seenFrom: string;
  readonly matches: (failure: ProviderFailure) => boolean;
}

const lower = (value: string | undefined): string => (value ?? "").toLowerCase();
const typeOrCode = (failure: ProviderFailure): string[] => [
  lower(failure.body?.type),
  lower(failure.body?.code),
];
const hasAny = (failure: ProviderFailure, values: readonly string[]): boolean =>
  typeOrCode(failure).some((field) => field !== "" && values.includes(field));
const grpc = (failure: ProviderFailure): string => (failure.body?.status ?? "").toUpperCase();
const message = (failure: ProviderFailure): string => failure.body?.message ?? "";

/** Gemini puts quota violations in google.rpc.QuotaFailure details; a quotaId names the window. */
function geminiQuotaIds(failure: ProviderFailure): string[] {
  const details = failure.body?.details;
  if (!Array.isArray(details)) return [];
  const ids: string[] = [];
  for (const detail of details as unknown[]) {
    const violations = (detail as { violations?: unknown } | null)?.violations;
    if (!Array.isArray(violations)) continue;
    for (const violation of violations as unknown[]) {
      const id = (violation as { quotaId?: unknown } | null)?.quotaId;
      if (typeof id === "string") ids.push(id);
    }
  }
  return ids;
}

/** Gemini google.rpc.ErrorInfo reasons, e.g. API_KEY_INVALID. */
function geminiErrorReasons(failure: ProviderFailure): string[] {
  const details = failure.body?.details;
  if (!Array.isArray(details)) return [];
  return (details as unknown[])
    .map((detail) => (detail as { reason?: unknown } | null)?.reason)
    .filter((reason): reason is string => typeof reason === "string");
}

const longWindow = /per(day|month)|daily|monthly/i;

export const classificationRules: readonly ClassificationRule[] = [
  // --- local facts first: they are certain ---
  { id: "caller-aborted", reason: "aborted", seenFrom: "Baton", matches: (f) => f.aborted === true },
  {
    id: "timer-fired",
    reason: "timeout",
    seenFrom: "Baton timers (connect, first token, idle, deadline)",
    matches: (f) => f.timer !== undefined,
  },

  // --- structured error fields ---
  {
    id: "quota-usage-limit-reached",
    reason: "quota_exhausted",
    seenFrom: "OpenAI/ChatGPT plan limits (usage_limit_reached), OpenAI insufficient_quota, Moonshot",
    matches: (f) => hasAny(f, ["usage_limit_reached", "insufficient_quota", "exceeded_current_quota_error"]),
  },
  {
    id: "gemini-per-model-long-window-quota",
    reason: "quota_exhausted",
    scope: "credential+model",
    seenFrom: "Gemini 429 RESOURCE_EXHAUSTED with a per-day, per-model QuotaFailure",
    matches: (f) =>
      grpc(f) === "RESOURCE_EXHAUSTED" &&
      geminiQuotaIds(f).some((id) => longWindow.test(id) && /PerModel/i.test(id)),
  },
  {
    id: "gemini-long-window-quota",
    reason: "quota_exhausted",
    seenFrom: "Gemini 429 RESOURCE_EXHAUSTED with a per-day/per-month QuotaFailure",
    matches: (f) => grpc(f) === "RESOURCE_EXHAUSTED" && geminiQuotaIds(f).some((id) => longWindow.test(id)),
  },
  {
    id: "billing-error",
    reason: "billing",
    seenFrom: "Anthropic billing_error, DeepSeek/OpenRouter 402",
    matches: (f) =>
      f.status === 402 || hasAny(f, ["billing_error", "insufficient_balance", "payment_required"]),
  },
  {
    id: "rate-limit-code",
    reason: "rate_limit",
    seenFrom:
      "OpenAI rate_limit_exceeded, Anthropic rate_limit_error, Moonshot rate_limit_reached_error, Mistral",
    matches: (f) =>
      hasAny(f, ["rate_limit_exceeded", "rate_limit_error", "rate_limit_reached_error", "rate_limited"]),
  },
  {
    id: "gemini-resource-exhausted",
    reason: "rate_limit",
    seenFrom: "Gemini 429 RESOURCE_EXHAUSTED (per-minute quota)",
    matches: (f) => grpc(f) === "RESOURCE_EXHAUSTED",
  },
  {
    id: "overloaded-code",
    reason: "overloaded",
    seenFrom:
      "Anthropic overloaded_error (HTTP 529 and in-stream), OpenAI server_is_overloaded, Moonshot engine_overloaded_error",
    matches: (f) =>
      hasAny(f, ["overloaded_error", "server_is_overloaded", "engine_overloaded_error", "engine_overloaded"]),
  },
  {
    id: "context-length-code",
    reason: "context_overflow",
    seenFrom: "OpenAI context_length_exceeded, llama.cpp exceed_context_size_error",
    matches: (f) =>
      hasAny(f, ["context_length_exceeded", "exceed_context_size_error", "string_above_max_length"]),
  },
  {
    id: "content-policy-code",
    reason: "content_policy",
    seenFrom: "OpenAI content_policy_violation / invalid_prompt, Azure content_filter",
    matches: (f) => hasAny(f, ["content_policy_violation", "content_filter", "invalid_prompt"]),
  },
  {
    id: "auth-code",
    reason: "auth",
    seenFrom:
      "OpenAI invalid_api_key, Anthropic authentication_error, Gemini API_KEY_INVALID / UNAUTHENTICATED",
    matches: (f) =>
      hasAny(f, ["invalid_api_key", "authentication_error", "invalid_authentication"]) ||
      grpc(f) === "UNAUTHENTICATED" ||
      geminiErrorReasons(f).includes("API_KEY_INVALID"),
  },
  {
    id: "gemini-unregistered-caller",
    reason: "auth",
    seenFrom: 'Gemini 403 PERMISSION_DENIED "Method doesn\'t allow unregistered callers" (no API key sent)',
    matches: (f) => grpc(f) === "PERMISSION_DENIED" && /unregistered callers/i.test(message(f)),
  },
  {
    id: "permission-code",
    reason: "permission",
    seenFrom: "Anthropic permission_error, Gemini PERMISSION_DENIED",
    matches: (f) => hasAny(f, ["permission_error", "permission_denied"]) || grpc(f) === "PERMISSION_DENIED",
  },
  {
    id: "model-not-found-code",
    reason: "model_not_found",
    seenFrom: "OpenAI model_not_found, Anthropic not_found_error, Gemini NOT_FOUND",
    // OpenAI answers 403 with code model_not_found when the project lacks access: that is permission.
    matches: (f) =>
      f.status !== 403 && (hasAny(f, ["model_not_found", "not_found_error"]) || grpc(f) === "NOT_FOUND"),
  },
  {
    id: "gemini-unavailable",
    reason: "overloaded",
    seenFrom: "Gemini 503 UNAVAILABLE (model overloaded)",
    matches: (f) => grpc(f) === "UNAVAILABLE",
  },

  // --- message patterns: last resort, each for a real message without a structured code ---
  {
    id: "context-length-message",
    reason: "context_overflow",
    seenFrom:
      'Anthropic "prompt is too long: 210000 tokens > 200000 maximum"; Gemini "The input token count ... exceeds the maximum number of tokens allowed"; vLLM "This model\'s maximum context length is 4096 tokens"',
    matches: (f) =>
      /prompt is too long|maximum context length|exceeds the maximum number of tokens|context window|context size/i.test(
        message(f),
      ),
  },
  {
    id: "billing-message",
    reason: "billing",
    seenFrom:
      'Anthropic 400 "Your credit balance is too low to access the Anthropic API"; DeepSeek "Insufficient Balance"',
    matches: (f) => /credit balance is too low|insufficient balance|insufficient credits/i.test(message(f)),
  },
  {
    id: "content-policy-message",
    reason: "content_policy",
    seenFrom:
      'OpenAI "Your request was rejected as a result of our safety system"; "Invalid prompt: your prompt was flagged as potentially violating our usage policy"',
    matches: (f) =>
      /rejected as a result of our safety system|flagged as potentially violating/i.test(message(f)),
  },
  {
    id: "auth-message",
    reason: "auth",
    seenFrom: 'Gemini 400 "API key not valid. Please pass a valid API key." without an ErrorInfo detail',
    matches: (f) => /api key not valid/i.test(message(f)),
  },
  {
    id: "model-not-found-message",
    reason: "model_not_found",
    seenFrom: "Ollama 404 \"model 'x' not found\"",
    matches: (f) =>
      (f.status === 404 || f.status === undefined) && /model .*not found|no such model/i.test(message(f)),
  },

  // --- stream and transport facts ---
  {
    id: "stream-truncated",
    reason: "truncated_stream",
    seenFrom: "any streaming protocol: connection ended with no finish event",
    matches: (f) => f.streamProblem === "truncated",
  },
  {
    id: "stream-malformed",
    reason: "malformed_response",
    seenFrom: "any streaming protocol: events that do not parse",
    matches: (f) => f.streamProblem === "malformed",
  },
  {
    id: "transport-error",
    reason: "network",
    seenFrom: "ECONNRESET, ECONNREFUSED, ENOTFOUND, TLS errors before a response",
    matches: (f) => f.transportCode !== undefined && f.status === undefined,
  },

  // --- bare HTTP status ---
  { id: "status-401", reason: "auth", seenFrom: "any provider", matches: (f) => f.status === 401 },
  { id: "status-403", reason: "permission", seenFrom: "any provider", matches: (f) => f.status === 403 },
  { id: "status-404", reason: "model_not_found", seenFrom: "any provider", matches: (f) => f.status === 404 },
  {
    id: "status-413",
    reason: "context_overflow",
    seenFrom: "Anthropic request_too_large",
    matches: (f) => f.status === 413,
  },
  { id: "status-429", reason: "rate_limit", seenFrom: "any provider", matches: (f) => f.status === 429 },
  {
    id: "status-overloaded",
    reason: "overloaded",
    seenFrom: "Anthropic 529, Groq 498 capacity exceeded, 503 Service Unavailable",
    matches: (f) => f.status === 529 || f.status === 498 || f.status === 503,
  },
  {
    id: "status-5xx",
    reason: "server_error",
    seenFrom: "500, 502, 504, Cloudflare 520-524",
    matches: (f) => f.status !== undefined && f.status >= 500,
  },
  {
    id: "status-4xx",
    reason: "invalid_request",
    seenFrom: "400, 422 and other client errors",
    matches: (f) => f.status !== undefined && f.status >= 400 && f.status < 500,
  },
  {
    id: "stream-error-event",
    reason: "server_error",
    seenFrom: "an in-stream error event with no recognised type",
    matches: (f) => f.streamProblem === "error-event",
  },
];
