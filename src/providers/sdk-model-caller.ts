// The ModelCaller over the AI SDK provider packages: one SDK call per attempt, Baton's fetch
// injected (no retries underneath), timers per attempt, and every way an attempt can go wrong
// turned into a `failure` event that keeps the raw facts. It decides nothing. An attempt is a
// stream (stream-attempt.ts), or one whole answer (generate-attempt.ts) when the caller takes
// the answer only whole and that keeps the attempt's facts (attempt-mode.ts).
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { attemptAwareFetch } from "./attempt-fetch.ts";
import { answersWhole } from "./attempt-mode.ts";
import { createLanguageModel, type FetchFunction } from "./create-language-model.ts";
import { generateAttempt } from "./generate-attempt.ts";
import type { ModelCaller, ModelRequest, ModelStreamEvent, ModelTarget } from "./model-stream.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";
import { streamAttempt } from "./stream-attempt.ts";

export interface SdkModelCallerOptions {
  readonly endpoints: readonly ProviderEndpoint[];
  /** The key for a credential; undefined when it has none (allowed only for keyless providers). */
  readonly apiKey: (provider: string, credentialId: string) => string | undefined;
  /** The fetch to use underneath (defaults to the global one). */
  readonly fetch?: FetchFunction;
}

/** Creates the ModelCaller that talks to real providers (and the simulator) over HTTP. */
export function createSdkModelCaller(options: SdkModelCallerOptions): ModelCaller {
  const endpoints = new Map(options.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const fetch = attemptAwareFetch(options.fetch ?? globalThis.fetch);
  const models = new Map<string, LanguageModelV4>();
  const modelFor = (endpoint: ProviderEndpoint, model: string, key: string): LanguageModelV4 => {
    const cacheKey = `${endpoint.id}\u0000${model}\u0000${key}`;
    let cached = models.get(cacheKey);
    if (cached === undefined) {
      cached = createLanguageModel(endpoint, model, key, fetch);
      models.set(cacheKey, cached);
    }
    return cached;
  };
  return {
    stream(target: ModelTarget, request: ModelRequest): AsyncIterable<ModelStreamEvent> {
      const endpoint = endpoints.get(target.provider);
      if (endpoint === undefined) throw new Error(`no provider named '${target.provider}' is configured`);
      const key =
        options.apiKey(target.provider, target.credentialId) ??
        (endpoint.quirks.keyless === true ? "none" : undefined);
      if (key === undefined) {
        throw new Error(
          `credential '${target.credentialId}' of provider '${target.provider}' has no API key`,
        );
      }
      const attempt = answersWhole(request) ? generateAttempt : streamAttempt;
      return attempt(modelFor(endpoint, target.model, key), endpoint, target, request, key);
    },
  };
}
