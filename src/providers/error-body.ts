// Parses a provider's error body (HTTP error response or in-stream error event) into the
// fields Baton classifies on. Knows the shapes of OpenAI, Anthropic, Gemini, OpenRouter,
// Ollama, vLLM, Mistral and llama.cpp; anything else keeps only a message.
import type { ProviderErrorBody } from "./provider-failure.ts";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function resetTime(fields: Json): string | number | undefined {
  for (const key of ["resets_at", "reset_at", "resetsAt", "resets_in_seconds"]) {
    const value = fields[key];
    if (typeof value === "number" || (typeof value === "string" && value.length > 0)) {
      // `resets_in_seconds` is relative; mark it so the hint parser can tell.
      return key === "resets_in_seconds" ? `in:${value}` : value;
    }
  }
  return undefined;
}

function fromFields(fields: Json, outer: Json): ProviderErrorBody {
  const body: {
    type?: string;
    code?: string;
    status?: string;
    message?: string;
    details?: unknown;
    resetsAt?: string | number;
  } = {};
  const type = text(fields.type);
  const code = text(fields.code);
  const status = text(fields.status);
  const message = text(fields.message) ?? text(outer.message);
  const resetsAt = resetTime(fields) ?? resetTime(outer);
  if (type !== undefined) body.type = type;
  if (code !== undefined) body.code = code;
  if (status !== undefined) body.status = status;
  if (message !== undefined) body.message = message;
  if (fields.details !== undefined) body.details = fields.details;
  if (resetsAt !== undefined) body.resetsAt = resetsAt;
  return body;
}

/** Extracts the error fields from an already-parsed JSON value. */
export function errorBodyFromJson(value: unknown): ProviderErrorBody | undefined {
  if (!isObject(value)) return typeof value === "string" && value.length > 0 ? { message: value } : undefined;
  const inner = value.error;
  // OpenAI / Gemini / OpenRouter / llama.cpp: { error: { ... } }; Anthropic: { type: "error", error: { ... } }
  if (isObject(inner)) return fromFields(inner, value);
  // Ollama: { error: "model 'x' not found" }
  if (typeof inner === "string") return { ...fromFields({}, value), message: inner };
  // vLLM / Mistral: { object: "error", message, type, code }; Responses stream: { type: "error", code, message }
  if (value.object === "error" || value.type === "error" || "message" in value || "code" in value) {
    const body = fromFields(value, value);
    return value.type === "error" ? { ...body, type: undefined } : body;
  }
  // Responses API `response.failed`: { response: { error: { code, message } } }
  if (isObject(value.response) && isObject(value.response.error))
    return fromFields(value.response.error, value);
  return undefined;
}

/** Parses an error body as text. Non-JSON bodies (HTML from a proxy, plain text) keep a short message. */
export function parseErrorBody(raw: string | undefined): ProviderErrorBody | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  try {
    return errorBodyFromJson(JSON.parse(raw));
  } catch {
    const firstLine = raw.trim().split("\n", 1)[0] ?? "";
    return { message: firstLine.slice(0, 200) };
  }
}
