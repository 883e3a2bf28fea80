// Maps a request's method and path to what it asks for: a generation on one wire protocol,
// a model listing, or a simulator control endpoint. The first path segment names the logical
// provider (`/deepseek/v1/chat/completions`); paths that start at the version segment belong
// to provider "default". Pure.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import type { ErrorFamily } from "./error-shapes.ts";

export type Route =
  | {
      readonly kind: "generate";
      readonly provider: string;
      readonly api: WireProtocol;
      /** Gemini names the model in the path. */
      readonly pathModel?: string;
      /** Gemini: streamGenerateContent. */
      readonly pathStream?: boolean;
    }
  | { readonly kind: "list-models"; readonly provider: string; readonly family: ErrorFamily }
  | {
      readonly kind: "get-model";
      readonly provider: string;
      readonly family: ErrorFamily;
      readonly model: string;
    }
  | { readonly kind: "control"; readonly action: "log" | "reset" | "scenario" }
  | { readonly kind: "unknown"; readonly provider: string; readonly family: ErrorFamily };

const versionSegments = new Set(["v1", "v1beta", "v1alpha"]);
const providerName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when a name can be used as the first path segment. */
export function isProviderName(name: string): boolean {
  return providerName.test(name) && !versionSegments.has(name) && name !== "__baton";
}

function splitPath(pathname: string): string[] {
  return pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

/**
 * Which family's conventions a listing request expects. `/v1/models` is shared by all three:
 * Anthropic clients send `anthropic-version` (or `x-api-key`), Google clients send
 * `x-goog-api-key` / `x-goog-api-client` or `?key=`; v1beta is Gemini's alone.
 */
function listingFamily(
  version: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
): ErrorFamily {
  if (version !== "v1") return "gemini";
  const google = headers["x-goog-api-key"] ?? headers["x-goog-api-client"] ?? query.get("key") ?? undefined;
  if (google !== undefined) return "gemini";
  return headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined
    ? "anthropic"
    : "openai";
}

function familyGuess(rest: readonly string[]): ErrorFamily {
  if (rest[0] === "v1beta" || rest[0] === "v1alpha") return "gemini";
  if (rest[1] === "messages") return "anthropic";
  return "openai";
}

/** Resolves a request line to a route. */
export function matchRoute(
  method: string,
  pathname: string,
  headers: Readonly<Record<string, string | string[] | undefined>> = {},
  query: URLSearchParams = new URLSearchParams(),
): Route {
  const segments = splitPath(pathname);
  if (segments[0] === "__baton") {
    if (segments[1] === "log" && method === "GET") return { kind: "control", action: "log" };
    if (segments[1] === "reset" && method === "POST") return { kind: "control", action: "reset" };
    if (segments[1] === "scenario" && (method === "GET" || method === "PUT" || method === "POST")) {
      return { kind: "control", action: "scenario" };
    }
    return { kind: "unknown", provider: "default", family: "openai" };
  }
  const first = segments[0] ?? "";
  const hasProvider = !versionSegments.has(first);
  const provider = hasProvider ? first : "default";
  const rest = hasProvider ? segments.slice(1) : segments;
  const unknown: Route = { kind: "unknown", provider, family: familyGuess(rest) };
  if (hasProvider && !isProviderName(provider)) return unknown;
  const [version, resource, ...tail] = rest;
  if (version === undefined || !versionSegments.has(version)) return unknown;

  if (method === "POST" && version === "v1" && tail.length === 0) {
    if (resource === "responses") return { kind: "generate", provider, api: "openai-responses" };
    if (resource === "messages") return { kind: "generate", provider, api: "anthropic-messages" };
  }
  if (
    method === "POST" &&
    version === "v1" &&
    resource === "chat" &&
    tail.length === 1 &&
    tail[0] === "completions"
  ) {
    return { kind: "generate", provider, api: "openai-chat" };
  }
  if (resource === "models") {
    const target = tail.join("/");
    const colon = target.lastIndexOf(":");
    if (method === "POST" && colon > 0) {
      const action = target.slice(colon + 1);
      if (action === "generateContent" || action === "streamGenerateContent") {
        return {
          kind: "generate",
          provider,
          api: "google-gemini",
          pathModel: target.slice(0, colon),
          pathStream: action === "streamGenerateContent",
        };
      }
      return unknown;
    }
    if (method === "GET" && tail.length === 0) {
      return { kind: "list-models", provider, family: listingFamily(version, headers, query) };
    }
    if (method === "GET" && colon < 0) {
      return { kind: "get-model", provider, family: listingFamily(version, headers, query), model: target };
    }
  }
  return unknown;
}
