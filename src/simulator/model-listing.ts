// The model catalogue endpoints: `GET /v1/models` in OpenAI's and Anthropic's shapes (the
// same path; Anthropic clients send `anthropic-version`) and `GET /v1beta/models` in Gemini's.
// The listed models are the ones the scenario names for the provider; any model name can be
// used for generation regardless. Pure.
import type { ErrorFamily } from "./error-shapes.ts";
import type { Scenario } from "./scenario-schema.ts";

/** Model names the scenario mentions for `provider` (model overrides and fault matches). */
export function scenarioModels(scenario: Scenario, provider: string): string[] {
  const names = new Set<string>();
  for (const key of Object.keys(scenario.models ?? {})) {
    const slash = key.indexOf("/");
    if (slash < 0) names.add(key);
    else if (key.slice(0, slash) === provider) names.add(key.slice(slash + 1));
  }
  for (const rule of scenario.faults ?? []) {
    const match = rule.match;
    const providers = match?.provider === undefined ? undefined : [match.provider].flat();
    if (providers !== undefined && !providers.includes(provider)) continue;
    for (const model of match?.model === undefined ? [] : [match.model].flat()) names.add(model);
  }
  return names.size === 0 ? ["baton-sim-1"] : [...names].sort();
}

const created = 1_735_689_600; // 2025-01-01, a fixed date so listings are stable

function modelObject(family: ErrorFamily, model: string, provider: string): Record<string, unknown> {
  switch (family) {
    case "openai":
      return { id: model, object: "model", created, owned_by: provider };
    case "anthropic":
      return {
        type: "model",
        id: model,
        display_name: model,
        created_at: new Date(created * 1000).toISOString(),
      };
    case "gemini":
      return {
        name: `models/${model}`,
        version: "001",
        displayName: model,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: ["generateContent", "countTokens"],
      };
  }
}

/** Body of a listing request. */
export function listingBody(family: ErrorFamily, models: readonly string[], provider: string): unknown {
  const data = models.map((model) => modelObject(family, model, provider));
  switch (family) {
    case "openai":
      return { object: "list", data };
    case "anthropic":
      return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
    case "gemini":
      return { models: data };
  }
}

/** Body of a single-model request. */
export function modelBody(family: ErrorFamily, model: string, provider: string): unknown {
  return modelObject(family, model, provider);
}
