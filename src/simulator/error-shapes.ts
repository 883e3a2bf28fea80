// Small pure helpers the error catalogue is written with: the context an entry is rendered
// in, the shape of an entry, Go-style durations as OpenAI prints them, reset timestamps, and
// the in-stream form of an error on each wire protocol (derived from the HTTP body when an
// entry does not spell out its own). Knows nothing about HTTP or sockets.
import type { WireProtocol } from "../providers/wire-protocol.ts";

/** Everything an error entry may depend on. Times are explicit so rendering stays pure. */
export interface ErrorContext {
  /** Wall-clock time of the request, epoch milliseconds. */
  readonly now: number;
  /** How long until the limit behind this error lifts, in milliseconds. */
  readonly resetInMs: number;
  readonly model: string;
  /** The request id the simulator put in the response headers. */
  readonly requestId: string;
  /** The caller's key as the provider would echo it back: prefix, stars, last four. */
  readonly maskedKey: string;
  /** Estimated prompt size in tokens (ceil(characters / 4)). */
  readonly promptTokens: number;
  /** For "unknown URL" errors. */
  readonly method: string;
  readonly path: string;
  /** A more specific message for the automatic "invalid request" entries. */
  readonly detail?: string;
  /** OpenAI's `param` for that message (`messages.[3].role`, `input`). */
  readonly param?: string;
}

/** Which provider's error conventions an entry follows. */
export type ErrorFamily = "openai" | "anthropic" | "gemini";

/** The error as it appears inside a stream, per protocol. Absent fields are derived. */
export interface InStreamForm {
  /** OpenAI Chat Completions: the JSON of a `data:` line (`{"error": {...}}`). */
  readonly chat?: unknown;
  /** OpenAI Responses: the JSON of the `event: error` line, without `sequence_number`. */
  readonly responsesError?: Readonly<Record<string, unknown>>;
  /** OpenAI Responses: `response.error` of the `response.failed` event. */
  readonly responsesFailure?: { readonly code: string; readonly message: string };
  /** Anthropic Messages: the JSON of the `event: error` line. */
  readonly anthropic?: unknown;
  /** Gemini: the JSON of a `data:` line (`{"error": {code, message, status}}`). */
  readonly gemini?: unknown;
}

export interface CatalogueEntry {
  /** Stable id used in scenarios and logs, `<family>.<name>`. */
  readonly id: string;
  readonly family: ErrorFamily;
  readonly status: number;
  /** One line for docs and `--help`. */
  readonly summary: string;
  /** Which provider document or public report this shape follows. */
  readonly source: string;
  /** Reset time used when the scenario gives none. */
  readonly defaultResetInMs?: number;
  /** Defaults to application/json. */
  readonly contentType?: string;
  readonly headers?: (context: ErrorContext) => Record<string, string>;
  /** A JSON value, or a string sent as-is (HTML from a proxy). */
  readonly body: (context: ErrorContext) => unknown;
  readonly inStream?: (context: ErrorContext) => InStreamForm;
}

/** Formats milliseconds the way OpenAI's x-ratelimit-reset-* headers do: "20ms", "1.5s", "6m0s", "1h2m3s". */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

/** Whole seconds until the reset, never below 1 (what `retry-after` carries). */
export function retryAfterSeconds(context: ErrorContext): number {
  return Math.max(1, Math.ceil(context.resetInMs / 1000));
}

/** The reset instant as epoch seconds. */
export function resetEpochSeconds(context: ErrorContext): number {
  return Math.ceil((context.now + context.resetInMs) / 1000);
}

/** The reset instant as RFC 3339 without fractional seconds (Anthropic's header format). */
export function resetRfc3339(context: ErrorContext): string {
  return new Date(resetEpochSeconds(context) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Masks a key like OpenAI's 401 message: "sk-ab***...***wxyz". Short keys are fully starred. */
export function maskKey(key: string | undefined): string {
  if (key === undefined || key === "") return "";
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 5)}${"*".repeat(Math.min(40, key.length - 9))}${key.slice(-4)}`;
}

const grpcStatusByHttp: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

interface ErrorFields {
  readonly type?: string;
  readonly code?: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The type/code/message of any catalogue body, whichever family wrote it. */
export function errorFields(body: unknown): ErrorFields {
  if (typeof body === "string")
    return {
      message: body
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    };
  const inner = isRecord(body) && isRecord(body.error) ? body.error : isRecord(body) ? body : {};
  const text = (value: unknown): string | undefined =>
    typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
  const fields: { type?: string; code?: string; message: string } = {
    message: text(inner.message) ?? "error",
  };
  const type = text(inner.type) ?? text(inner.status);
  const code = text(inner.code);
  if (type !== undefined) fields.type = type;
  if (code !== undefined) fields.code = code;
  return fields;
}

/** The in-stream error for `protocol`, from the entry's own form where it has one. */
export function inStreamError(entry: CatalogueEntry, protocol: WireProtocol, context: ErrorContext): unknown {
  const own = entry.inStream?.(context) ?? {};
  const body = entry.body(context);
  const fields = errorFields(body);
  switch (protocol) {
    case "openai-chat":
      return (
        own.chat ??
        (isRecord(body) && isRecord(body.error)
          ? { error: body.error }
          : {
              error: {
                message: fields.message,
                type: fields.type ?? "server_error",
                param: null,
                code: null,
              },
            })
      );
    case "openai-responses":
      return (
        own.responsesError ?? {
          type: "error",
          code: fields.code ?? fields.type ?? null,
          message: fields.message,
          param: null,
        }
      );
    case "anthropic-messages":
      return (
        own.anthropic ?? {
          type: "error",
          error: { type: fields.type ?? fields.code ?? "api_error", message: fields.message },
        }
      );
    case "google-gemini":
      return (
        own.gemini ?? {
          error: {
            code: entry.status,
            message: fields.message,
            status: grpcStatusByHttp[entry.status] ?? "UNKNOWN",
          },
        }
      );
  }
}

/** `response.error` for the Responses `response.failed` event. */
export function responsesFailure(
  entry: CatalogueEntry,
  context: ErrorContext,
): { code: string; message: string } {
  const own = entry.inStream?.(context).responsesFailure;
  if (own !== undefined) return own;
  const fields = errorFields(entry.body(context));
  const code = entry.status === 429 ? "rate_limit_exceeded" : "server_error";
  return { code, message: fields.message };
}
