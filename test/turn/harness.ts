// Builds a Baton over the simulator for turn tests: OpenAI-style providers (and optionally
// Anthropic) with keys in a private env, sessions and health in a temp folder.
import type { Simulator } from "../../src/simulator/index.ts";
import { type Baton, createBaton } from "../../src/turn/create-baton.ts";

export async function batonOver(
  simulator: Simulator,
  dir: string,
  chain: readonly string[],
  policy: Record<string, unknown> = {},
): Promise<Baton> {
  const providers: Record<string, unknown> = {};
  const env: Record<string, string> = {};
  for (const reference of chain) {
    const provider = reference.slice(0, reference.indexOf("/"));
    const api =
      provider === "anthropic"
        ? "anthropic-messages"
        : provider === "google"
          ? "google-gemini"
          : "openai-chat";
    env[`${provider.toUpperCase()}_KEY`] = `sk-test-${provider}-0001`;
    providers[provider] = {
      api,
      baseUrl: simulator.baseUrl(provider, api),
      credentials: [{ id: "main", apiKeyEnv: `${provider.toUpperCase()}_KEY` }],
    };
  }
  return createBaton({ cwd: dir, env, config: { providers, chains: { default: [...chain] }, policy } });
}
