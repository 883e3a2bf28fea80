// Handles one generation request end to end: reads and parses the body, counts and logs the
// call, picks the fault, and answers: a catalogue error, a reset, silence, or the planned
// reply as a body or a stream shaped by the fault. Also applies the checks a real provider
// makes on its own (missing key, the conversation's shape and signatures, context window).
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireProtocol } from "../providers/wire-protocol.ts";
import { apiKeyOf, keyHash } from "./credentials.ts";
import { resolveError } from "./error-catalogue.ts";
import { type CatalogueEntry, type ErrorContext, type ErrorFamily, maskKey } from "./error-shapes.ts";
import { selectFault, windowRemainingMs } from "./fault-matching.ts";
import { planReply, promptTokens, type ReplyPlan, resolveReply } from "./reply-plan.ts";
import type { SimulatorLogEntry } from "./request-log.ts";
import { parseRequest } from "./request-parsing.ts";
import { validateRequest } from "./request-validation.ts";
import {
  pause,
  type ResponseHeaders,
  resetConnection,
  runStream,
  sendBody,
  sendPartialBody,
} from "./response-writer.ts";
import type { Route } from "./routes.ts";
import type { Fault, FaultRule } from "./scenario-schema.ts";
import type { SimulatorState } from "./simulator-state.ts";
import { answerDelayMs, scriptStream } from "./stream-script.ts";
import { anthropicMessagesRenderer } from "./wire-anthropic-messages.ts";
import type { WireRenderer } from "./wire-format.ts";
import { googleGeminiRenderer } from "./wire-google-gemini.ts";
import { openAiChatRenderer } from "./wire-openai-chat.ts";
import { openAiResponsesRenderer } from "./wire-openai-responses.ts";

const renderers: Readonly<Record<WireProtocol, WireRenderer>> = {
  "openai-chat": openAiChatRenderer,
  "openai-responses": openAiResponsesRenderer,
  "anthropic-messages": anthropicMessagesRenderer,
  "google-gemini": googleGeminiRenderer,
};

const bodyLimitBytes = 32 * 1024 * 1024;

/** Everything about the request the answer depends on, gathered once. */
export interface Exchange {
  readonly state: SimulatorState;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Aborted when the client leaves or the simulator closes. */
  readonly signal: AbortSignal;
  readonly now: number;
  readonly requestId: string;
  readonly family: ErrorFamily;
  readonly url: URL;
  /** Called once the request's log entry exists, so the caller can follow the connection. */
  readonly onEntry: (entry: SimulatorLogEntry) => void;
}

/**
 * Logs the request (pending) and hands its entry to the caller; `decide` records what the
 * simulator did with it and reports it to `onRequest`.
 */
export function logExchange(
  exchange: Exchange,
  fields: Omit<SimulatorLogEntry, "atMs" | "keyHash" | "call" | "outcome"> & { apiKey: string | undefined },
): { entry: SimulatorLogEntry; decide: (outcome: string, status?: number) => void } {
  const { state } = exchange;
  const { apiKey, ...rest } = fields;
  const entry = state.log.add({
    atMs: state.log.elapsedMs(),
    ...rest,
    keyHash: keyHash(apiKey),
    call: state.log.nextCall(fields.provider, fields.model),
    outcome: "pending",
  });
  exchange.onEntry(entry);
  const decide = (outcome: string, status?: number): void => {
    entry.outcome = outcome;
    if (status !== undefined) entry.status = status;
    state.onRequest?.({ ...entry });
  };
  return { entry, decide };
}

/** Reads the request body as text; undefined when it exceeds the limit. */
export async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > bodyLimitBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** The request-id header each provider family sends on every response. */
export function requestIdHeaders(family: ErrorFamily, requestId: string): Record<string, string> {
  if (family === "openai") return { "x-request-id": requestId };
  if (family === "anthropic") return { "request-id": requestId };
  return {};
}

/** The rate-limit headers a healthy answer carries (plenty remaining), so adapters see real shapes. */
function healthyHeaders(family: ErrorFamily, now: number): Record<string, string> {
  if (family === "openai") {
    return {
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "499",
      "x-ratelimit-reset-requests": "120ms",
      "x-ratelimit-limit-tokens": "30000",
      "x-ratelimit-remaining-tokens": "29000",
      "x-ratelimit-reset-tokens": "2ms",
    };
  }
  if (family === "anthropic") {
    const reset = new Date(Math.ceil((now + 1200) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "49",
      "anthropic-ratelimit-requests-reset": reset,
      "anthropic-ratelimit-tokens-limit": "20000",
      "anthropic-ratelimit-tokens-remaining": "19000",
      "anthropic-ratelimit-tokens-reset": reset,
    };
  }
  return {};
}

/** Sends a catalogue error with its headers and body. */
export function sendCatalogueError(exchange: Exchange, entry: CatalogueEntry, context: ErrorContext): void {
  const headers = {
    ...requestIdHeaders(exchange.family, exchange.requestId),
    ...(entry.headers?.(context) ?? {}),
  };
  sendBody(
    exchange.response,
    entry.status,
    entry.contentType ?? "application/json",
    entry.body(context),
    headers,
  );
}

/** The ErrorContext of this exchange for a model, key and reset time. */
export function errorContext(
  exchange: Exchange,
  fields: {
    model: string;
    apiKey?: string | undefined;
    promptChars?: number;
    resetInMs?: number;
    detail?: string;
    param?: string;
  },
): ErrorContext {
  return {
    now: exchange.now,
    resetInMs: fields.resetInMs ?? 0,
    model: fields.model,
    requestId: exchange.requestId,
    maskedKey: maskKey(fields.apiKey),
    promptTokens: promptTokens(fields.promptChars ?? 0),
    method: exchange.request.method ?? "GET",
    path: exchange.url.pathname,
    ...(fields.detail === undefined ? {} : { detail: fields.detail }),
    ...(fields.param === undefined ? {} : { param: fields.param }),
  };
}

function resetFor(
  rule: FaultRule | undefined,
  fault: { resetInMs?: number },
  entry: CatalogueEntry,
  elapsedMs: number,
): number {
  return fault.resetInMs ?? windowRemainingMs(rule?.match, elapsedMs) ?? entry.defaultResetInMs ?? 60_000;
}

function streamOutcome(fault: Fault | undefined, errorId: string | undefined): string {
  switch (fault?.kind) {
    case "slow-first-token":
      return `slow-first-token:${fault.delayMs}`;
    case "stall-after":
      return `stall-after:${fault.tokens}`;
    case "cut-after":
      return `cut-after:${fault.tokens}`;
    case "malformed-event":
      return `malformed-event:${fault.at}`;
    case "missing-terminator":
      return "missing-terminator";
    case "stream-error":
      return `stream-error:${errorId}`;
    default:
      return "ok";
  }
}

function tokenCount(plan: ReplyPlan): number {
  return (plan.thinking?.tokens.length ?? 0) + (plan.toolCall?.argumentChunks.length ?? plan.tokens.length);
}

/** Handles POST of a generation route. */
export async function handleGenerate(
  exchange: Exchange,
  route: Extract<Route, { kind: "generate" }>,
): Promise<void> {
  const { state, response, signal } = exchange;
  const renderer = renderers[route.api];
  const text = await readBody(exchange.request);
  let json: unknown;
  let parseProblem: string | undefined;
  if (text === undefined) parseProblem = "Request body too large.";
  else {
    try {
      json = JSON.parse(text);
    } catch {
      parseProblem = "We could not parse the JSON body of your request.";
    }
  }
  const parsed =
    parseProblem === undefined
      ? parseRequest(route.api, json, { model: route.pathModel, stream: route.pathStream })
      : undefined;
  const request = parsed?.ok === true ? parsed.request : undefined;
  const apiKey = apiKeyOf(route.api, exchange.request.headers, exchange.url.searchParams);
  const bodyModel =
    typeof (json as { model?: unknown } | undefined)?.model === "string"
      ? (json as { model: string }).model
      : "";
  const model = request?.model ?? route.pathModel ?? bodyModel;
  const { entry, decide } = logExchange(exchange, {
    provider: route.provider,
    api: route.api,
    model,
    apiKey,
    promptChars: request?.promptChars ?? 0,
    ...(request?.sampling === undefined ? {} : { sampling: request.sampling }),
    ...(request?.reasoningEffort !== undefined
      ? { reasoning: request.reasoningEffort }
      : request?.thinkingRequested === true
        ? { reasoning: "thinking" }
        : {}),
    stream: request?.stream ?? route.pathStream ?? false,
  });
  const fail = (catalogueEntry: CatalogueEntry, outcome: string, context: ErrorContext): void => {
    decide(outcome, catalogueEntry.status);
    sendCatalogueError(exchange, catalogueEntry, context);
  };
  const contextFor = (fields: { resetInMs?: number; detail?: string; param?: string } = {}): ErrorContext =>
    errorContext(exchange, { model, apiKey, promptChars: request?.promptChars ?? 0, ...fields });

  if (request === undefined) {
    const invalid = resolveError("invalid_request", route.api) as CatalogueEntry;
    const detail = parseProblem ?? (parsed?.ok === false ? parsed.message : undefined);
    fail(invalid, "invalid-request", contextFor(detail === undefined ? {} : { detail }));
    return;
  }
  if (apiKey === undefined && state.scenario.requireApiKey !== false) {
    const missing = resolveError("missing_api_key", route.api) as CatalogueEntry;
    fail(missing, `http-error:${missing.id}`, contextFor());
    return;
  }

  const elapsedMs = state.log.elapsedMs();
  const selected = selectFault(state.scenario.faults, {
    provider: route.provider,
    api: route.api,
    model,
    apiKey,
    stream: request.stream,
    call: entry.call,
    elapsedMs,
    endsWithAssistant: request.endsWithAssistant,
  });
  const rule = selected?.rule;
  const fault = rule?.fault;
  if (rule?.name !== undefined) entry.faultName = rule.name;

  switch (fault?.kind) {
    case "http-error":
    case "reject-prefill": {
      const name = fault.kind === "http-error" ? fault.error : (fault.error ?? "prefill_unsupported");
      const catalogueEntry = resolveError(name, route.api) as CatalogueEntry;
      const resetInMs = resetFor(rule, fault.kind === "http-error" ? fault : {}, catalogueEntry, elapsedMs);
      fail(
        catalogueEntry,
        `${fault.kind === "http-error" ? "http-error" : "reject-prefill"}:${catalogueEntry.id}`,
        contextFor({ resetInMs }),
      );
      return;
    }
    case "reset-before-headers":
      decide("reset-before-headers");
      resetConnection(response);
      return;
    case "never-answer":
      decide("never-answer");
      return;
    case "stream-error":
      if (!request.stream) {
        const catalogueEntry = resolveError(fault.error, route.api) as CatalogueEntry;
        fail(
          catalogueEntry,
          `http-error:${catalogueEntry.id}`,
          contextFor({ resetInMs: resetFor(rule, fault, catalogueEntry, elapsedMs) }),
        );
        return;
      }
      break;
    default:
      break;
  }

  const rejection = validateRequest(route.api, json, route.provider);
  if (rejection !== undefined) {
    const refusal = resolveError(rejection.error, route.api) as CatalogueEntry;
    fail(
      refusal,
      `rejected:${rejection.reason}`,
      contextFor({
        detail: rejection.message,
        ...(rejection.param === undefined ? {} : { param: rejection.param }),
      }),
    );
    return;
  }
  const reply = resolveReply(state.scenario, route.provider, model);
  if (reply.contextTokens !== undefined && promptTokens(request.promptChars) > reply.contextTokens) {
    const overflow = resolveError("context_overflow", route.api) as CatalogueEntry;
    fail(overflow, `http-error:${overflow.id}`, contextFor());
    return;
  }

  const plan = planReply(request, reply);
  const meta = {
    id: `${renderer.idPrefix}${randomHex(12)}`,
    model,
    created: Math.floor(exchange.now / 1000),
    includeUsage: request.includeUsage,
  };
  const pacing = { firstTokenDelayMs: reply.firstTokenDelayMs, tokenDelayMs: reply.tokenDelayMs };
  const headers: ResponseHeaders = {
    ...requestIdHeaders(exchange.family, exchange.requestId),
    ...healthyHeaders(exchange.family, exchange.now),
  };

  if (request.stream) {
    const errorEntry =
      fault?.kind === "stream-error" ? (resolveError(fault.error, route.api) as CatalogueEntry) : undefined;
    const script = scriptStream(renderer.frames(plan, meta), fault, pacing, (sequence) =>
      errorEntry === undefined || fault?.kind !== "stream-error"
        ? []
        : renderer.errorFrames(
            errorEntry,
            contextFor({ resetInMs: resetFor(rule, fault, errorEntry, elapsedMs) }),
            {
              responsesEvent: fault.responsesEvent ?? "both",
              sequence,
              meta,
            },
          ),
    );
    decide(streamOutcome(fault, errorEntry?.id), 200);
    await runStream(response, renderer.streamContentType, headers, script, signal);
    return;
  }

  const body = renderer.body(plan, meta);
  switch (fault?.kind) {
    case "stall-after":
      decide(streamOutcome(fault, undefined), 200);
      await sendPartialBody(response, renderer.jsonContentType, headers, body, "hang", signal);
      return;
    case "cut-after":
      decide(streamOutcome(fault, undefined), 200);
      await sendPartialBody(
        response,
        renderer.jsonContentType,
        headers,
        body,
        fault.connection ?? "end",
        signal,
      );
      return;
    case "malformed-event": {
      decide(streamOutcome(fault, undefined), 200);
      const textBody = JSON.stringify(body);
      sendBody(
        response,
        200,
        renderer.jsonContentType,
        textBody.slice(0, Math.floor(textBody.length / 2)),
        headers,
      );
      return;
    }
    default: {
      const slow =
        fault?.kind === "slow-first-token" ? { ...pacing, firstTokenDelayMs: fault.delayMs } : pacing;
      decide(
        fault?.kind === "missing-terminator"
          ? "missing-terminator:not-streaming"
          : streamOutcome(fault, undefined),
        200,
      );
      if (!(await pause(answerDelayMs(tokenCount(plan), slow), signal))) return;
      sendBody(response, 200, renderer.jsonContentType, body, headers);
    }
  }
}
