// Builds the gateway over the simulator for gateway tests: a simulator with the given
// scenario, a Baton whose providers are simulator routes (OpenAI Chat unless named anthropic),
// `baton serve`'s gateway on a free loopback port with a bearer token, and the official
// `openai` client pointed at it (no client retries, so every error is seen as it was sent).
import OpenAI from "openai";
import { type RunningGateway, startGateway } from "../../src/gateway/gateway-server.ts";
import { type Scenario, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { type Baton, createBaton } from "../../src/turn/create-baton.ts";
import { tempDir } from "../support/temp-dir.ts";

export const gatewayToken = "test-gateway-token-0001";

export interface GatewaySetup {
  /** Chains by name, `provider/model` references. */
  readonly chains: Readonly<Record<string, readonly string[]>>;
  readonly scenario?: Scenario;
  readonly policy?: Record<string, unknown>;
  /** `providers.NAME.models` settings (acceptsPrefill, timers...). */
  readonly models?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Extra providers the chains do not name (used only by direct models and fallbacks). */
  readonly providers?: readonly string[];
  readonly bodyLimit?: number;
  readonly streamCommit?: "forward" | "hold";
}

export interface GatewayFixture {
  readonly simulator: Simulator;
  readonly baton: Baton;
  readonly gateway: RunningGateway;
  readonly client: OpenAI;
  readonly dir: string;
  /** The gateway's origin, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  close(): Promise<void>;
}

export function batonConfig(simulator: Simulator, setup: GatewaySetup): Record<string, unknown> {
  const names = new Set<string>(setup.providers ?? []);
  for (const chain of Object.values(setup.chains)) {
    for (const reference of chain) names.add(reference.slice(0, reference.indexOf("/")));
  }
  const providers: Record<string, unknown> = {};
  for (const name of names) {
    const api = name === "anthropic" ? "anthropic-messages" : "openai-chat";
    providers[name] = {
      api,
      baseUrl: simulator.baseUrl(name, api),
      credentials: [{ id: "main", apiKey: `sk-test-${name}-0001` }],
      ...(setup.models?.[name] === undefined ? {} : { models: setup.models[name] }),
    };
  }
  return {
    providers,
    chains: setup.chains,
    policy: { backoff: { baseMs: 1, capMs: 5, fastMs: 1 }, ...setup.policy },
  };
}

export async function startGatewayFixture(setup: GatewaySetup): Promise<GatewayFixture> {
  const simulator = await startSimulator(setup.scenario === undefined ? {} : { scenario: setup.scenario });
  const dir = await tempDir("gateway");
  const baton = await createBaton({ cwd: dir.path, env: {}, config: batonConfig(simulator, setup) });
  const gateway = await startGateway({
    baton,
    auth: { token: gatewayToken },
    port: 0,
    ...(setup.bodyLimit === undefined ? {} : { bodyLimit: setup.bodyLimit }),
    ...(setup.streamCommit === undefined ? {} : { streamCommit: setup.streamCommit }),
  });
  const client = new OpenAI({ apiKey: gatewayToken, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  return {
    simulator,
    baton,
    gateway,
    client,
    dir: dir.path,
    url: gateway.url,
    async close() {
      await gateway.close({ drainMs: 0 });
      await simulator.close();
      await dir.remove();
    },
  };
}

/** Collects a streamed answer: its text, finish reason, the models its chunks named, or the error it ended with. */
export async function readStream(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<{
  text: string;
  finishReason: string | null;
  models: string[];
  error?: unknown;
  usage?: unknown;
}> {
  let text = "";
  let finishReason: string | null = null;
  let usage: unknown;
  const models: string[] = [];
  try {
    for await (const chunk of stream) {
      if (models.at(-1) !== chunk.model) models.push(chunk.model);
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? "";
      finishReason = choice?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
  } catch (error) {
    return { text, finishReason, models, error };
  }
  return { text, finishReason, models, ...(usage === undefined ? {} : { usage }) };
}
