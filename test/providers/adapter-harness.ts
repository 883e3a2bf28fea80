// Shared by the adapter tests: one simulator, one endpoint per wire protocol, and a helper
// that runs one adapter call and collects what the caller would see.

import type { ModelCaller, ModelRequest, ModelStreamEvent } from "../../src/providers/model-stream.ts";
import { type ProviderEndpoint, resolveEndpoint } from "../../src/providers/provider-endpoint.ts";
import type { ProviderFailure } from "../../src/providers/provider-failure.ts";
import { createSdkModelCaller } from "../../src/providers/sdk-model-caller.ts";
import type { WireProtocol } from "../../src/providers/wire-protocol.ts";
import type { Simulator } from "../../src/simulator/index.ts";

/** One simulator route per protocol; the provider name is the path segment. */
export const routes: readonly { readonly provider: string; readonly api: WireProtocol }[] = [
  { provider: "openai", api: "openai-chat" },
  { provider: "openai-resp", api: "openai-responses" },
  { provider: "anthropic", api: "anthropic-messages" },
  { provider: "google", api: "google-gemini" },
];

export const testKey = "sk-adapter-test-key-0001";

export function endpointsFor(simulator: Simulator): ProviderEndpoint[] {
  return routes.map(({ provider, api }) =>
    resolveEndpoint({ id: provider, api, baseUrl: simulator.baseUrl(provider, api) }),
  );
}

export function callerFor(simulator: Simulator): ModelCaller {
  return createSdkModelCaller({ endpoints: endpointsFor(simulator), apiKey: () => testKey });
}

/** One fault of a simulator scenario (what a rule does). */
export type Fault = Parameters<Simulator["setScenario"]>[0] extends { faults?: (infer R)[] }
  ? R extends { fault: infer F }
    ? F
    : never
  : never;

export interface Collected {
  readonly events: ModelStreamEvent[];
  readonly text: string;
  readonly failure: ProviderFailure | undefined;
  readonly finish: Extract<ModelStreamEvent, { type: "finish" }> | undefined;
}

export async function collect(
  caller: ModelCaller,
  route: { provider: string; api: WireProtocol },
  request: Partial<ModelRequest> = {},
  model = "test-model",
): Promise<Collected> {
  const events: ModelStreamEvent[] = [];
  const target = { provider: route.provider, api: route.api, model, credentialId: "test" };
  for await (const event of caller.stream(target, {
    messages: [{ role: "user", content: "hello" }],
    ...request,
  })) {
    events.push(event);
  }
  const text = events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
  const failure = events.find((event) => event.type === "failure")?.failure;
  const finish = events.find(
    (event): event is Extract<ModelStreamEvent, { type: "finish" }> => event.type === "finish",
  );
  return { events, text, failure, finish };
}
