// Runs the real failover engine over the real adapters against the simulator, from a config
// like a user writes: the composition the turn runner uses, without sessions.
import { validateConfig } from "../../src/config/load-config.ts";
import { resolveRuntime } from "../../src/config/resolve-runtime.ts";
import { classify } from "../../src/failover/classify.ts";
import { runWithFailover } from "../../src/failover/engine.ts";
import type { FailoverResult } from "../../src/failover/failover-result.ts";
import type { HealthRegistry } from "../../src/health/health-registry.ts";
import { MemoryHealthRegistry } from "../../src/health/memory-health-registry.ts";
import { createSdkModelCaller } from "../../src/providers/sdk-model-caller.ts";
import type { Simulator } from "../../src/simulator/index.ts";
import type { TraceEvent } from "../../src/trace/trace-event.ts";

export interface ChainSetup {
  /** provider -> credential ids, all speaking OpenAI Chat Completions through the simulator. */
  readonly providers: Record<string, readonly string[]>;
  readonly chain: readonly string[];
  readonly policy?: Record<string, unknown>;
  readonly models?: Record<string, Record<string, unknown>>;
}

export interface TurnOutcome {
  readonly result?: FailoverResult;
  readonly error?: Error & { reason?: string; scope?: string };
  readonly events: TraceEvent[];
}

/** The key each credential sends: `key-<provider>-<id>`, so the simulator can tell them apart. */
export const keyOf = (provider: string, id: string): string => `key-${provider}-${id}`;

export function makeRunner(
  simulator: Simulator,
  setup: ChainSetup,
  health: HealthRegistry = new MemoryHealthRegistry(),
) {
  const env: Record<string, string> = {};
  const providers: Record<string, unknown> = {};
  for (const [provider, ids] of Object.entries(setup.providers)) {
    providers[provider] = {
      api: "openai-chat",
      baseUrl: simulator.baseUrl(provider, "openai-chat"),
      credentials: ids.map((id) => {
        const variable = `KEY_${provider}_${id}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
        env[variable] = keyOf(provider, id);
        return { id, apiKeyEnv: variable };
      }),
      models: setup.models?.[provider] ?? {},
    };
  }
  const config = validateConfig("test.config.json", {
    providers,
    chains: { default: [...setup.chain] },
    policy: setup.policy ?? {},
  });
  const runtime = resolveRuntime("test.config.json", config, env);
  const caller = createSdkModelCaller({ endpoints: runtime.endpoints, apiKey: runtime.apiKey });
  return async (message = "hello"): Promise<TurnOutcome> => {
    const events: TraceEvent[] = [];
    try {
      const result = await runWithFailover({
        chain: runtime.chain(),
        policy: runtime.policy,
        health,
        caller,
        classify,
        request: { messages: [{ role: "user", content: message }] },
        onEvent: (event) => events.push(event),
      });
      return { result, events };
    } catch (error) {
      return { error: error as TurnOutcome["error"] & Error, events };
    }
  };
}

/** Requests the simulator saw, per provider. */
export function requestsPerProvider(simulator: Simulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of simulator.log()) counts[entry.provider] = (counts[entry.provider] ?? 0) + 1;
  return counts;
}
