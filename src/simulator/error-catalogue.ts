// The simulator's one catalogue of provider errors: status, headers, body and in-stream form
// of every error it can inject, each as the provider documents it or as public reports show
// it verbatim. Scenarios name entries by id (`openai.usage_limit_reached`) or by a generic
// alias (`rate_limit`) that picks the entry matching the route's protocol. The classifier's
// tests reuse these entries, so each one names the document or report it follows.
// Bodies are faithful in shape and field names; organisation ids, limits and request ids are
// invented. Nothing here reads the clock: times come in through ErrorContext.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import {
  type CatalogueEntry,
  type ErrorContext,
  type ErrorFamily,
  goDuration,
  resetEpochSeconds,
  resetRfc3339,
  retryAfterSeconds,
} from "./error-shapes.ts";

export type { CatalogueEntry, ErrorContext, ErrorFamily, InStreamForm } from "./error-shapes.ts";

const openAiError = (message: string, type: string, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});
const anthropicError = (context: ErrorContext, type: string, message: string) => ({
  type: "error",
  error: { type, message },
  request_id: context.requestId,
});
const geminiError = (code: number, status: string, message: string, details?: unknown[]) => ({
  error: { code, message, status, ...(details === undefined ? {} : { details }) },
});
const retryInfo = (context: ErrorContext) => ({
  "@type": "type.googleapis.com/google.rpc.RetryInfo",
  retryDelay: `${retryAfterSeconds(context)}s`,
});
const geminiQuota = (context: ErrorContext, quotaId: string, metric: string) => [
  {
    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
    violations: [
      {
        quotaMetric: `generativelanguage.googleapis.com/${metric}`,
        quotaId,
        quotaDimensions: { location: "global", model: context.model },
        quotaValue: "10",
      },
    ],
  },
  {
    "@type": "type.googleapis.com/google.rpc.Help",
    links: [
      {
        description: "Learn more about Gemini API quotas",
        url: "https://ai.google.dev/gemini-api/docs/rate-limits",
      },
    ],
  },
  retryInfo(context),
];

const minute = 60_000;
const hour = 60 * minute;

const entries: readonly CatalogueEntry[] = [
  // ---------------------------------------------------------------- OpenAI (and compatibles)
  {
    // OpenAI rate-limit guide (x-ratelimit-* headers, Go durations) and the 429 bodies quoted in
    // feder-cr/invisible_playwright_mcp#109 and semanser/codel#72 ("Rate limit reached for ...").
    id: "openai.rate_limit_exceeded",
    family: "openai",
    status: 429,
    summary: "short-window rate limit (requests per minute), with retry-after and x-ratelimit-*",
    source:
      "platform.openai.com/docs/guides/rate-limits; 429 bodies in invisible_playwright_mcp#109, codel#72",
    defaultResetInMs: 2000,
    headers: (c) => ({
      "retry-after": String(retryAfterSeconds(c)),
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": goDuration(c.resetInMs),
      "x-ratelimit-limit-tokens": "30000",
      "x-ratelimit-remaining-tokens": "29000",
      "x-ratelimit-reset-tokens": "2ms",
    }),
    body: (c) =>
      openAiError(
        `Rate limit reached for ${c.model} in organization org-batonsim on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${goDuration(c.resetInMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        "requests",
        "rate_limit_exceeded",
      ),
    inStream: (c) => ({
      responsesFailure: {
        code: "rate_limit_exceeded",
        message: `Rate limit reached for ${c.model}. Please try again in ${goDuration(c.resetInMs)}.`,
      },
    }),
  },
  {
    // OpenAI error-codes guide; body verbatim in openai-cookbook#844 and NextChat#3664.
    id: "openai.insufficient_quota",
    family: "openai",
    status: 429,
    summary: "billing quota exhausted (no reset time; long-lived)",
    source:
      "platform.openai.com/docs/guides/error-codes; bodies in openai/openai-cookbook#844, NextChat#3664",
    body: () =>
      openAiError(
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        "insufficient_quota",
        "insufficient_quota",
      ),
  },
  {
    // ChatGPT-plan (Codex) usage limit: body verbatim in router-for-me/CLIProxyAPI#1666,
    // earendil-works/pi#4172 (with resets_at / resets_in_seconds) and x-codex-* headers from
    // icebear0828/codex-proxy#65. No retry-after header; the reset lives in the body.
    id: "openai.usage_limit_reached",
    family: "openai",
    status: 429,
    summary: "plan usage limit (long window), reset time in the body (resets_at, resets_in_seconds)",
    source: "CLIProxyAPI#1666, pi#4172, codex-proxy#65 (Codex / ChatGPT plan 429)",
    defaultResetInMs: 5 * hour,
    headers: (c) => ({
      "x-codex-plan-type": "plus",
      "x-codex-active-limit": "premium",
      "x-codex-primary-used-percent": "100",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-after-seconds": String(retryAfterSeconds(c)),
      "x-codex-primary-reset-at": String(resetEpochSeconds(c)),
    }),
    body: (c) => ({
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: "plus",
        resets_at: resetEpochSeconds(c),
        eligible_promo: null,
        resets_in_seconds: retryAfterSeconds(c),
      },
    }),
    inStream: (c) => ({
      // pi#4172 shows the Codex stream form: {"type":"error","error":{...},"status_code":429}
      responsesError: {
        type: "error",
        error: {
          type: "usage_limit_reached",
          message: "The usage limit has been reached",
          plan_type: "plus",
          resets_at: resetEpochSeconds(c),
          resets_in_seconds: retryAfterSeconds(c),
        },
        status_code: 429,
      },
      responsesFailure: { code: "rate_limit_exceeded", message: "The usage limit has been reached" },
    }),
  },
  {
    // 401 body verbatim in chatanywhere/GPT_API_free#62 (the key is echoed masked).
    id: "openai.invalid_api_key",
    family: "openai",
    status: 401,
    summary: "wrong API key",
    source: "platform.openai.com/docs/guides/error-codes (401); body in chatanywhere/GPT_API_free#62",
    body: (c) =>
      openAiError(
        `Incorrect API key provided: ${c.maskedKey}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
      ),
  },
  {
    // What api.openai.com answers when no Authorization header is sent.
    id: "openai.missing_api_key",
    family: "openai",
    status: 401,
    summary: "no API key sent (served automatically when a request has none)",
    source: "platform.openai.com/docs/guides/error-codes (401, 'You didn't provide an API key')",
    body: () =>
      openAiError(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
      ),
  },
  {
    // 403 "Project ... does not have access to model": bodies in cursor/cursor#2953 and
    // Aider-AI/aider#1903. Note the real code is model_not_found even though the status is 403.
    id: "openai.permission_denied",
    family: "openai",
    status: 403,
    summary: "this key's project may not use this model (403, code model_not_found as OpenAI sends it)",
    source: "bodies in cursor/cursor#2953, Aider-AI/aider#1903",
    body: (c) =>
      openAiError(
        `Project \`proj_batonsim\` does not have access to model \`${c.model}\``,
        "invalid_request_error",
        "model_not_found",
      ),
  },
  {
    // 403 region block: bodies in nalgeon/pokitoki#42 and home-assistant/core#120072.
    id: "openai.unsupported_region",
    family: "openai",
    status: 403,
    summary: "country, region or territory not supported",
    source: "bodies in nalgeon/pokitoki#42, home-assistant/core#120072",
    body: () =>
      openAiError(
        "Country, region, or territory not supported",
        "request_forbidden",
        "unsupported_country_region_territory",
      ),
  },
  {
    // 404 model: body verbatim in rd-1-2022/ai-openai-helloworld#9 and ksred/GitPilotAI#12.
    id: "openai.model_not_found",
    family: "openai",
    status: 404,
    summary: "model does not exist",
    source: "bodies in ai-openai-helloworld#9, GitPilotAI#12",
    body: (c) =>
      openAiError(
        `The model \`${c.model}\` does not exist or you do not have access to it.`,
        "invalid_request_error",
        "model_not_found",
      ),
  },
  {
    // 400 context overflow: bodies in chathub-dev/chathub#126, AsyncFuncAI/deepwiki-open#144.
    id: "openai.context_length_exceeded",
    family: "openai",
    status: 400,
    summary: "prompt longer than the model's context window",
    source: "bodies in chathub#126, deepwiki-open#144",
    body: (c) =>
      openAiError(
        `This model's maximum context length is 128000 tokens. However, your messages resulted in ${Math.max(128001, c.promptTokens)} tokens. Please reduce the length of the messages.`,
        "invalid_request_error",
        "context_length_exceeded",
        "messages",
      ),
  },
  {
    // 400 safety block on chat/responses models: body verbatim in alan-turing-institute/t0-1#69
    // and microsoft/PyRIT#1463 (code invalid_prompt).
    id: "openai.content_policy",
    family: "openai",
    status: 400,
    summary: "prompt flagged by the usage policy (code invalid_prompt)",
    source: "bodies in alan-turing-institute/t0-1#69, microsoft/PyRIT#1463",
    body: () =>
      openAiError(
        "Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting",
        "invalid_request_error",
        "invalid_prompt",
      ),
  },
  {
    // Generic 400 for requests the simulator cannot read (bad JSON, missing model/messages), and
    // for conversations it refuses (request-validation.ts words each one and names its param).
    id: "openai.invalid_request",
    family: "openai",
    status: 400,
    summary: "malformed request or refused conversation (served automatically)",
    source: "platform.openai.com/docs/guides/error-codes (400 invalid_request_error)",
    body: (c) =>
      openAiError(
        c.detail ?? "We could not parse the JSON body of your request.",
        "invalid_request_error",
        null,
        c.param ?? null,
      ),
  },
  {
    // OpenAI-compatible proxies in front of Claude models reject a trailing assistant turn with
    // Anthropic's message in OpenAI's envelope (NousResearch/hermes-agent#50055).
    id: "openai.prefill_unsupported",
    family: "openai",
    status: 400,
    summary: "request ends with an assistant message and the model refuses prefill",
    source: "NousResearch/hermes-agent#50055 (OpenAI-compatible proxy), message as Anthropic words it",
    body: () =>
      openAiError(
        "This model does not support assistant message prefill. The conversation must end with a user message.",
        "invalid_request_error",
        null,
        "messages",
      ),
  },
  {
    // 500 body verbatim in LlmKira/Openaibot#177.
    id: "openai.server_error_500",
    family: "openai",
    status: 500,
    summary: "internal server error",
    source: "platform.openai.com/docs/guides/error-codes (500); body in LlmKira/Openaibot#177",
    body: () =>
      openAiError(
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        null,
      ),
    inStream: () => ({
      responsesFailure: {
        code: "server_error",
        message: "The server had an error while processing your request. Sorry about that!",
      },
    }),
  },
  {
    // api.openai.com sits behind Cloudflare; a 502 arrives as Cloudflare's HTML page, not JSON.
    id: "openai.bad_gateway_502",
    family: "openai",
    status: 502,
    summary: "Cloudflare 502 Bad Gateway (HTML body, not JSON)",
    source: "Cloudflare 502 page as served in front of api.openai.com",
    contentType: "text/html",
    body: () =>
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n",
  },
  {
    // 503 body verbatim in ikechan8370/chatgpt-plugin#125 ("That model is currently overloaded").
    id: "openai.service_unavailable_503",
    family: "openai",
    status: 503,
    summary: "model overloaded (503 server_error)",
    source: "platform.openai.com/docs/guides/error-codes (503); body in ikechan8370/chatgpt-plugin#125",
    body: (c) =>
      openAiError(
        `That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${c.requestId} in your message.)`,
        "server_error",
        null,
      ),
  },
  {
    // The Responses API's overload error: `error` event and `response.failed` quoted in
    // Wei-Shaw/sub2api#6631.
    id: "openai.server_is_overloaded",
    family: "openai",
    status: 503,
    summary: "servers overloaded (code server_is_overloaded), as the Responses API streams it",
    source: "Wei-Shaw/sub2api#6631 (Responses stream error + response.failed)",
    body: () =>
      openAiError(
        "Our servers are currently overloaded. Please try again later.",
        "service_unavailable_error",
        "server_is_overloaded",
      ),
    inStream: () => ({
      responsesFailure: {
        code: "server_error",
        message: "Our servers are currently overloaded. Please try again later.",
      },
    }),
  },
  {
    // What api.openai.com answers for a path it does not know.
    id: "openai.unknown_url",
    family: "openai",
    status: 404,
    summary: "unknown path (served automatically)",
    source: "api.openai.com 404 'Invalid URL (METHOD /path)'",
    body: (c) => openAiError(`Invalid URL (${c.method} ${c.path})`, "invalid_request_error", null),
  },

  // ---------------------------------------------------------------- Anthropic
  {
    // docs.claude.com/en/api/errors and /rate-limits: retry-after plus anthropic-ratelimit-*
    // (RFC 3339 resets); message as quoted in FoundationAgents/OpenManus#746.
    id: "anthropic.rate_limit_error",
    family: "anthropic",
    status: 429,
    summary: "rate limit, with retry-after and anthropic-ratelimit-* headers",
    source: "docs.claude.com/en/api/errors, /en/api/rate-limits; message in OpenManus#746",
    defaultResetInMs: 2000,
    headers: (c) => ({
      "retry-after": String(retryAfterSeconds(c)),
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": resetRfc3339(c),
      "anthropic-ratelimit-tokens-limit": "20000",
      "anthropic-ratelimit-tokens-remaining": "20000",
      "anthropic-ratelimit-tokens-reset": resetRfc3339(c),
      "anthropic-ratelimit-input-tokens-limit": "20000",
      "anthropic-ratelimit-input-tokens-remaining": "20000",
      "anthropic-ratelimit-input-tokens-reset": resetRfc3339(c),
      "anthropic-ratelimit-output-tokens-limit": "8000",
      "anthropic-ratelimit-output-tokens-remaining": "8000",
      "anthropic-ratelimit-output-tokens-reset": resetRfc3339(c),
      "x-should-retry": "true",
    }),
    body: (c) =>
      anthropicError(
        c,
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
      ),
  },
  {
    // 529 and in-stream `event: error`: docs.claude.com/en/api/errors and /en/api/streaming;
    // body verbatim in anthropics/claude-code#35792 and cline/cline#52.
    id: "anthropic.overloaded_error",
    family: "anthropic",
    status: 529,
    summary: "API overloaded (HTTP 529, and mid-stream as event: error)",
    source: "docs.claude.com/en/api/errors, /en/api/streaming; claude-code#35792, cline#52",
    headers: () => ({ "x-should-retry": "true" }),
    body: (c) => anthropicError(c, "overloaded_error", "Overloaded"),
    inStream: () => ({
      anthropic: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    }),
  },
  {
    // 400 prompt too long, the message Anthropic sends (no structured code).
    id: "anthropic.prompt_too_long",
    family: "anthropic",
    status: 400,
    summary: "prompt longer than the context window (invalid_request_error, message only)",
    source:
      "docs.claude.com/en/api/errors (invalid_request_error); message 'prompt is too long: N tokens > M maximum'",
    body: (c) =>
      anthropicError(
        c,
        "invalid_request_error",
        `prompt is too long: ${Math.max(200001, c.promptTokens)} tokens > 200000 maximum`,
      ),
  },
  {
    id: "anthropic.authentication_error",
    family: "anthropic",
    status: 401,
    summary: "invalid x-api-key",
    source: "docs.claude.com/en/api/errors (401 authentication_error, 'invalid x-api-key')",
    body: (c) => anthropicError(c, "authentication_error", "invalid x-api-key"),
  },
  {
    id: "anthropic.missing_api_key",
    family: "anthropic",
    status: 401,
    summary: "no x-api-key sent (served automatically when a request has none)",
    source: "api.anthropic.com 401 'x-api-key header is required'",
    body: (c) => anthropicError(c, "authentication_error", "x-api-key header is required"),
  },
  {
    id: "anthropic.permission_error",
    family: "anthropic",
    status: 403,
    summary: "key may not use this resource",
    source: "docs.claude.com/en/api/errors (403 permission_error)",
    body: (c) =>
      anthropicError(
        c,
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
      ),
  },
  {
    // 404 body verbatim in anthropics/claude-code#5349 ("model: sonnet4").
    id: "anthropic.not_found_error",
    family: "anthropic",
    status: 404,
    summary: "model not found",
    source: "docs.claude.com/en/api/errors (404 not_found_error); body in claude-code#5349",
    body: (c) => anthropicError(c, "not_found_error", `model: ${c.model}`),
  },
  {
    // Billing: a 400 with this message, per many public reports.
    id: "anthropic.credit_balance_too_low",
    family: "anthropic",
    status: 400,
    summary: "credit balance too low (400 invalid_request_error, message only)",
    source: "docs.claude.com/en/api/errors; 'Your credit balance is too low' as reported publicly",
    body: (c) =>
      anthropicError(
        c,
        "invalid_request_error",
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
      ),
  },
  {
    // Body verbatim in smallmain/vscode-unify-chat-provider#249 and Tarquinen/opencode-dcp#520.
    id: "anthropic.prefill_unsupported",
    family: "anthropic",
    status: 400,
    summary: "request ends with an assistant message and the model refuses prefill",
    source: "vscode-unify-chat-provider#249, opencode-dynamic-context-pruning#520",
    body: (c) =>
      anthropicError(
        c,
        "invalid_request_error",
        "This model does not support assistant message prefill. The conversation must end with a user message.",
      ),
  },
  {
    // Body verbatim in anthropics/claude-code#10627 (served when a thinking signature is wrong).
    id: "anthropic.invalid_thinking_signature",
    family: "anthropic",
    status: 400,
    summary: "a replayed thinking block carries a signature this provider did not issue",
    source: "anthropics/claude-code#10627, anthropic-sdk-python#1598",
    body: (c) =>
      anthropicError(
        c,
        "invalid_request_error",
        c.detail ?? "messages.1.content.0: Invalid `signature` in `thinking` block",
      ),
  },
  {
    id: "anthropic.invalid_request_error",
    family: "anthropic",
    status: 400,
    summary: "malformed request or refused conversation (served automatically)",
    source: "docs.claude.com/en/api/errors (400 invalid_request_error); wording from claude-code#77525",
    body: (c) => anthropicError(c, "invalid_request_error", c.detail ?? "The request body is not valid JSON"),
  },
  {
    id: "anthropic.api_error",
    family: "anthropic",
    status: 500,
    summary: "internal error",
    source: "docs.claude.com/en/api/errors (500 api_error)",
    headers: () => ({ "x-should-retry": "true" }),
    body: (c) => anthropicError(c, "api_error", "Internal server error"),
  },

  // ---------------------------------------------------------------- Google Gemini
  {
    // google.rpc error model with QuotaFailure + Help + RetryInfo, as quoted in
    // googleapis/python-genai#2044 and llmsresearch/paperbanana#10 (retryDelay "47s").
    id: "gemini.resource_exhausted",
    family: "gemini",
    status: 429,
    summary: "per-minute quota, google.rpc.RetryInfo.retryDelay in the body",
    source: "ai.google.dev/gemini-api/docs/troubleshooting; python-genai#2044, paperbanana#10",
    defaultResetInMs: 2000,
    body: (c) =>
      geminiError(
        429,
        "RESOURCE_EXHAUSTED",
        `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${retryAfterSeconds(c)}s.`,
        geminiQuota(
          c,
          "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
          "generate_content_free_tier_requests",
        ),
      ),
  },
  {
    // Same shape with the per-day quota id (python-genai#2044 lists both).
    id: "gemini.resource_exhausted_daily",
    family: "gemini",
    status: 429,
    summary: "per-day quota (quotaId ...PerDay...), long wait",
    source: "ai.google.dev/gemini-api/docs/rate-limits; python-genai#2044",
    defaultResetInMs: 12 * hour,
    body: (c) =>
      geminiError(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
        geminiQuota(
          c,
          "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
          "generate_content_free_tier_requests",
        ),
      ),
  },
  {
    // Body verbatim in google-gemini/gemini-cli#12831.
    id: "gemini.unavailable",
    family: "gemini",
    status: 503,
    summary: "model overloaded (503 UNAVAILABLE)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting (503); gemini-cli#12831",
    body: () => geminiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
  },
  {
    id: "gemini.internal",
    family: "gemini",
    status: 500,
    summary: "internal error (500 INTERNAL)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting (500 INTERNAL)",
    body: () =>
      geminiError(
        500,
        "INTERNAL",
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
      ),
  },
  {
    // 400 INVALID_ARGUMENT with google.rpc.ErrorInfo reason API_KEY_INVALID.
    id: "gemini.api_key_invalid",
    family: "gemini",
    status: 400,
    summary: "invalid API key (400 INVALID_ARGUMENT, ErrorInfo reason API_KEY_INVALID)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting; google.rpc.ErrorInfo",
    body: () =>
      geminiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
        {
          "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
          locale: "en-US",
          message: "API key not valid. Please pass a valid API key.",
        },
      ]),
  },
  {
    id: "gemini.missing_api_key",
    family: "gemini",
    status: 403,
    summary: "no key sent (served automatically when a request has none)",
    source: "Google APIs 403 PERMISSION_DENIED for unregistered callers",
    body: () =>
      geminiError(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      ),
  },
  {
    id: "gemini.permission_denied",
    family: "gemini",
    status: 403,
    summary: "caller may not use this model (403 PERMISSION_DENIED)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting (403 PERMISSION_DENIED)",
    body: () => geminiError(403, "PERMISSION_DENIED", "You do not have permission to access this model."),
  },
  {
    // Body verbatim in earendil-works/pi#2893.
    id: "gemini.not_found",
    family: "gemini",
    status: 404,
    summary: "model not found (404 NOT_FOUND)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting (404); pi#2893",
    body: (c) =>
      geminiError(
        404,
        "NOT_FOUND",
        `models/${c.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      ),
  },
  {
    id: "gemini.token_limit",
    family: "gemini",
    status: 400,
    summary: "prompt longer than the context window (400 INVALID_ARGUMENT, message only)",
    source:
      "ai.google.dev/gemini-api/docs/troubleshooting; message 'The input token count ... exceeds the maximum'",
    body: (c) =>
      geminiError(
        400,
        "INVALID_ARGUMENT",
        `The input token count (${Math.max(1048577, c.promptTokens)}) exceeds the maximum number of tokens allowed (1048576).`,
      ),
  },
  {
    // Approximation: Gemini's wording for a conversation that does not end with a user turn.
    id: "gemini.prefill_unsupported",
    family: "gemini",
    status: 400,
    summary: "request ends with a model turn (approximate wording)",
    source: "Vertex/Gemini INVALID_ARGUMENT for a trailing model turn (wording approximate)",
    body: () =>
      geminiError(
        400,
        "INVALID_ARGUMENT",
        "Please ensure that single turn requests end with a user role or the role field is empty.",
      ),
  },
  {
    id: "gemini.invalid_argument",
    family: "gemini",
    status: 400,
    summary: "malformed request or refused conversation (served automatically)",
    source: "ai.google.dev/gemini-api/docs/troubleshooting (400 INVALID_ARGUMENT)",
    body: (c) => geminiError(400, "INVALID_ARGUMENT", c.detail ?? "Invalid JSON payload received."),
  },
];

/** Every entry, keyed by id. */
export const errorCatalogue: ReadonlyMap<string, CatalogueEntry> = new Map(
  entries.map((entry) => [entry.id, entry]),
);

/** Every entry id, in catalogue order. */
export const catalogueIds: readonly string[] = entries.map((entry) => entry.id);

/** Generic names that resolve to the entry of the route's protocol family. */
export const errorAliases = {
  rate_limit: {
    openai: "openai.rate_limit_exceeded",
    anthropic: "anthropic.rate_limit_error",
    gemini: "gemini.resource_exhausted",
  },
  quota: {
    openai: "openai.usage_limit_reached",
    anthropic: "anthropic.credit_balance_too_low",
    gemini: "gemini.resource_exhausted_daily",
  },
  auth: {
    openai: "openai.invalid_api_key",
    anthropic: "anthropic.authentication_error",
    gemini: "gemini.api_key_invalid",
  },
  permission: {
    openai: "openai.permission_denied",
    anthropic: "anthropic.permission_error",
    gemini: "gemini.permission_denied",
  },
  model_not_found: {
    openai: "openai.model_not_found",
    anthropic: "anthropic.not_found_error",
    gemini: "gemini.not_found",
  },
  context_overflow: {
    openai: "openai.context_length_exceeded",
    anthropic: "anthropic.prompt_too_long",
    gemini: "gemini.token_limit",
  },
  overloaded: {
    openai: "openai.service_unavailable_503",
    anthropic: "anthropic.overloaded_error",
    gemini: "gemini.unavailable",
  },
  server_error: {
    openai: "openai.server_error_500",
    anthropic: "anthropic.api_error",
    gemini: "gemini.internal",
  },
  prefill_unsupported: {
    openai: "openai.prefill_unsupported",
    anthropic: "anthropic.prefill_unsupported",
    gemini: "gemini.prefill_unsupported",
  },
  invalid_request: {
    openai: "openai.invalid_request",
    anthropic: "anthropic.invalid_request_error",
    gemini: "gemini.invalid_argument",
  },
  missing_api_key: {
    openai: "openai.missing_api_key",
    anthropic: "anthropic.missing_api_key",
    gemini: "gemini.missing_api_key",
  },
} as const satisfies Record<string, Record<ErrorFamily, string>>;

export type ErrorAlias = keyof typeof errorAliases;

/** Every name a scenario may use for an error: catalogue ids and aliases. */
export const errorNames: readonly string[] = [...catalogueIds, ...Object.keys(errorAliases)];

/** The error family whose conventions a wire protocol follows. */
export function familyOf(api: WireProtocol): ErrorFamily {
  if (api === "anthropic-messages") return "anthropic";
  if (api === "google-gemini") return "gemini";
  return "openai";
}

/** Resolves an id or alias for a route; undefined for an unknown name. */
export function resolveError(name: string, api: WireProtocol): CatalogueEntry | undefined {
  const alias = (errorAliases as Record<string, Record<ErrorFamily, string>>)[name];
  const id = alias === undefined ? name : alias[familyOf(api)];
  return errorCatalogue.get(id);
}
