// The wire protocols Baton speaks. A provider in the config names one of these as its `api`.

export const wireProtocols = [
  "openai-chat",
  "openai-responses",
  "anthropic-messages",
  "google-gemini",
] as const;

export type WireProtocol = (typeof wireProtocols)[number];
