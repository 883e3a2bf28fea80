// Where each wire protocol carries the API key, and the short hash the log keeps instead of
// the key. The key itself never leaves this module except to fault matching and masking.
import { createHash } from "node:crypto";
import type { WireProtocol } from "../providers/wire-protocol.ts";

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === "" ? undefined : first.trim();
}

function bearer(headers: Headers): string | undefined {
  const value = header(headers, "authorization");
  const match = value === undefined ? null : /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1]?.trim() || undefined;
}

/**
 * The key as the provider reads it: OpenAI `Authorization: Bearer`, Anthropic `x-api-key`
 * (or a bearer token), Gemini `x-goog-api-key`, `?key=` (or a bearer token).
 */
export function apiKeyOf(api: WireProtocol, headers: Headers, query: URLSearchParams): string | undefined {
  switch (api) {
    case "openai-chat":
    case "openai-responses":
      return bearer(headers);
    case "anthropic-messages":
      return header(headers, "x-api-key") ?? bearer(headers);
    case "google-gemini":
      return header(headers, "x-goog-api-key") ?? (query.get("key") || undefined) ?? bearer(headers);
  }
}

/** A 12-hex-digit sha256 prefix of the key, or "none". Safe to log. */
export function keyHash(key: string | undefined): string {
  if (key === undefined) return "none";
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}
