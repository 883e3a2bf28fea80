// Reads how long a provider asked us to wait, from headers and bodies: `retry-after-ms`,
// `retry-after` (seconds or HTTP date), OpenAI `x-ratelimit-reset-*` durations, Anthropic
// `anthropic-ratelimit-*-reset` timestamps, reset times in bodies (`resets_at`,
// `resets_in_seconds`) and Gemini `RetryInfo.retryDelay`. Pure: `now` is a parameter.
import type { ProviderErrorBody } from "../providers/provider-failure.ts";
import type { RetryHintSource } from "./failure.ts";

export interface RetryHint {
  /** Milliseconds to wait from `now`. */
  readonly retryAfterMs: number;
  /** The absolute time the limit resets (epoch ms). */
  readonly resetAt: number;
  readonly source: RetryHintSource;
}

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses Go-style durations as OpenAI sends them: "1s", "6m0s", "20ms", "1h2m3.5s", "0.5s". */
export function parseDuration(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * (unitMs[match[2] as string] as number);
    consumed += match[0].length;
  }
  return consumed === trimmed.length ? total : undefined;
}

function hint(retryAfterMs: number, now: number, source: RetryHintSource): RetryHint {
  const wait = Math.max(0, Math.round(retryAfterMs));
  return { retryAfterMs: wait, resetAt: now + wait, source };
}

function fromRetryAfter(headers: Readonly<Record<string, string>>, now: number): RetryHint | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined && Number.isFinite(Number(ms))) return hint(Number(ms), now, "retry-after-ms");
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return hint(Number(value) * 1000, now, "retry-after");
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : hint(date - now, now, "retry-after");
}

/** OpenAI: x-ratelimit-reset-requests / -tokens; prefers the dimension that ran out. */
function fromOpenAiReset(headers: Readonly<Record<string, string>>, now: number): RetryHint | undefined {
  const waits: number[] = [];
  const exhausted: number[] = [];
  for (const dimension of ["requests", "tokens"]) {
    const reset = headers[`x-ratelimit-reset-${dimension}`];
    const wait = reset === undefined ? undefined : parseDuration(reset);
    if (wait === undefined) continue;
    waits.push(wait);
    if (headers[`x-ratelimit-remaining-${dimension}`] === "0") exhausted.push(wait);
  }
  const chosen = exhausted.length > 0 ? exhausted : waits;
  return chosen.length === 0 ? undefined : hint(Math.max(...chosen), now, "x-ratelimit-reset");
}

/** Anthropic: anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset as RFC 3339. */
function fromAnthropicReset(headers: Readonly<Record<string, string>>, now: number): RetryHint | undefined {
  const resets: number[] = [];
  const exhausted: number[] = [];
  for (const dimension of ["requests", "tokens", "input-tokens", "output-tokens"]) {
    const reset = headers[`anthropic-ratelimit-${dimension}-reset`];
    const at = reset === undefined ? Number.NaN : Date.parse(reset);
    if (Number.isNaN(at)) continue;
    resets.push(at);
    if (headers[`anthropic-ratelimit-${dimension}-remaining`] === "0") exhausted.push(at);
  }
  const chosen = exhausted.length > 0 ? exhausted : resets;
  return chosen.length === 0 ? undefined : hint(Math.max(...chosen) - now, now, "anthropic-ratelimit-reset");
}

/** Bodies: `resets_at` (epoch seconds or ms, or ISO text), `resets_in_seconds` (marked "in:N"). */
function fromBody(body: ProviderErrorBody | undefined, now: number): RetryHint | undefined {
  const value = body?.resetsAt;
  if (value === undefined) return undefined;
  if (typeof value === "string" && value.startsWith("in:")) {
    const seconds = Number(value.slice(3));
    return Number.isFinite(seconds) ? hint(seconds * 1000, now, "body-reset-time") : undefined;
  }
  const numeric =
    typeof value === "number" ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isFinite(numeric)) {
    const at = numeric < 1e12 ? numeric * 1000 : numeric;
    return hint(at - now, now, "body-reset-time");
  }
  const at = Date.parse(String(value));
  return Number.isNaN(at) ? undefined : hint(at - now, now, "body-reset-time");
}

/** Gemini: error.details[] entry of type google.rpc.RetryInfo with retryDelay "42s". */
function fromGeminiRetryInfo(body: ProviderErrorBody | undefined, now: number): RetryHint | undefined {
  if (!Array.isArray(body?.details)) return undefined;
  for (const detail of body.details as unknown[]) {
    if (typeof detail !== "object" || detail === null) continue;
    const record = detail as Record<string, unknown>;
    const type = record["@type"];
    if (
      typeof type === "string" &&
      type.endsWith("google.rpc.RetryInfo") &&
      typeof record.retryDelay === "string"
    ) {
      const wait = parseDuration(record.retryDelay);
      if (wait !== undefined) return hint(wait, now, "gemini-retry-info");
    }
  }
  return undefined;
}

/**
 * The provider's retry hint, most specific source first; undefined when it gave none.
 * Long-window limits (quota) say when they reset in the body, so `preferBody` reads it first.
 */
export function parseRetryHint(
  headers: Readonly<Record<string, string>> | undefined,
  body: ProviderErrorBody | undefined,
  now: number,
  options: { preferBody?: boolean } = {},
): RetryHint | undefined {
  const fromBodies = (): RetryHint | undefined => fromBody(body, now) ?? fromGeminiRetryInfo(body, now);
  if (options.preferBody === true) {
    const found = fromBodies();
    if (found !== undefined) return found;
  }
  if (headers !== undefined) {
    for (const read of [fromRetryAfter, fromOpenAiReset, fromAnthropicReset]) {
      const found = read(headers, now);
      if (found !== undefined) return found;
    }
  }
  return fromBodies();
}
