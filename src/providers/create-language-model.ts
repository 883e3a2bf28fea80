// Builds the AI SDK model object (LanguageModelV4, used at the `doStream` level only) for
// one endpoint, model and key, with Baton's fetch injected so nothing retries underneath.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ProviderEndpoint } from "./provider-endpoint.ts";

export type FetchFunction = typeof globalThis.fetch;

export function createLanguageModel(
  endpoint: ProviderEndpoint,
  model: string,
  apiKey: string,
  fetch: FetchFunction,
): LanguageModelV4 {
  const common = { baseURL: endpoint.baseUrl, apiKey, fetch, headers: { ...endpoint.headers } };
  switch (endpoint.sdk) {
    case "openai": {
      const provider = createOpenAI({ ...common, name: endpoint.id });
      return endpoint.api === "openai-responses" ? provider.responses(model) : provider.chat(model);
    }
    case "openai-compatible":
      return createOpenAICompatible({ ...common, name: endpoint.id, includeUsage: true }).chatModel(model);
    case "anthropic":
      return createAnthropic({ ...common, name: endpoint.id })(model);
    case "google":
      return createGoogleGenerativeAI({ ...common, name: endpoint.id })(model);
  }
}
