// Known providers: their wire protocol, default base URL and quirks, in one table. A config
// names a preset (or gives `api` and `baseUrl` itself); everything provider-specific that the
// adapters need to know lives here, not in scattered `if` statements.
import type { WireProtocol } from "./wire-protocol.ts";

/** Which AI SDK provider package implements the wire protocol for this provider. */
export type SdkFamily = "openai" | "openai-compatible" | "anthropic" | "google";

export interface ProviderQuirks {
  /** Tool-call ids must match this shape; others are rewritten deterministically. */
  readonly toolCallIds?: "anthropic" | "mistral";
  /** The server needs no API key (local servers). */
  readonly keyless?: boolean;
  /** Sends usage in the last stream chunk only when asked (stream_options.include_usage). */
  readonly usageOnRequest?: boolean;
  /** Free-text notes for the docs: what this provider does differently. */
  readonly notes?: string;
}

export interface ProviderPreset {
  readonly id: string;
  readonly api: WireProtocol;
  readonly baseUrl: string;
  readonly sdk: SdkFamily;
  readonly quirks: ProviderQuirks;
}

export const providerPresets: readonly ProviderPreset[] = [
  { id: "openai", api: "openai-chat", baseUrl: "https://api.openai.com/v1", sdk: "openai", quirks: {} },
  {
    id: "openai-responses",
    api: "openai-responses",
    baseUrl: "https://api.openai.com/v1",
    sdk: "openai",
    quirks: { notes: "Reasoning items carry encrypted content valid only on OpenAI." },
  },
  {
    id: "anthropic",
    api: "anthropic-messages",
    baseUrl: "https://api.anthropic.com/v1",
    sdk: "anthropic",
    quirks: {
      toolCallIds: "anthropic",
      notes: "Thinking blocks need their signature; tool ids match ^[a-zA-Z0-9_-]+$.",
    },
  },
  {
    id: "google",
    api: "google-gemini",
    baseUrl: "https://generativelanguage.googleapis.com/v1beta",
    sdk: "google",
    quirks: {
      notes: "Thought signatures are only valid on Gemini; function calls from others are sent without.",
    },
  },
  {
    id: "deepseek",
    api: "openai-chat",
    baseUrl: "https://api.deepseek.com/v1",
    sdk: "openai-compatible",
    quirks: {
      usageOnRequest: true,
      notes: "reasoning_content must not be sent back; 402 means insufficient balance.",
    },
  },
  {
    id: "moonshot",
    api: "openai-chat",
    baseUrl: "https://api.moonshot.ai/v1",
    sdk: "openai-compatible",
    quirks: { usageOnRequest: true, notes: "Quota errors use type exceeded_current_quota_error." },
  },
  {
    id: "openrouter",
    api: "openai-chat",
    baseUrl: "https://openrouter.ai/api/v1",
    sdk: "openai-compatible",
    quirks: {
      usageOnRequest: true,
      notes: "Errors carry a numeric code; mid-stream errors arrive as a chunk with `error`.",
    },
  },
  {
    id: "groq",
    api: "openai-chat",
    baseUrl: "https://api.groq.com/openai/v1",
    sdk: "openai-compatible",
    quirks: { usageOnRequest: true, notes: "HTTP 498 means flex-tier capacity exceeded (overloaded)." },
  },
  {
    id: "mistral",
    api: "openai-chat",
    baseUrl: "https://api.mistral.ai/v1",
    sdk: "openai-compatible",
    quirks: {
      toolCallIds: "mistral",
      usageOnRequest: true,
      notes: "Tool-call ids must be 9 characters [a-zA-Z0-9].",
    },
  },
  {
    id: "ollama",
    api: "openai-chat",
    baseUrl: "http://127.0.0.1:11434/v1",
    sdk: "openai-compatible",
    quirks: { keyless: true, usageOnRequest: true, notes: 'Errors are `{ error: "text" }`.' },
  },
  {
    id: "vllm",
    api: "openai-chat",
    baseUrl: "http://127.0.0.1:8000/v1",
    sdk: "openai-compatible",
    quirks: {
      keyless: true,
      usageOnRequest: true,
      notes: 'Errors are `{ object: "error", message, type, code }`.',
    },
  },
  {
    id: "llamacpp",
    api: "openai-chat",
    baseUrl: "http://127.0.0.1:8080/v1",
    sdk: "openai-compatible",
    quirks: {
      keyless: true,
      usageOnRequest: true,
      notes: "Context overflow is type exceed_context_size_error.",
    },
  },
];

/** The SDK family for a protocol when no preset is named. */
export function defaultSdkFor(api: WireProtocol): SdkFamily {
  switch (api) {
    case "openai-chat":
      return "openai-compatible";
    case "openai-responses":
      return "openai";
    case "anthropic-messages":
      return "anthropic";
    case "google-gemini":
      return "google";
  }
}

export function findPreset(id: string): ProviderPreset | undefined {
  return providerPresets.find((preset) => preset.id === id);
}
