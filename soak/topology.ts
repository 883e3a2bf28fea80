// What the soak runs against: four simulated providers on the four wire protocols (OpenAI with
// two credentials, so rotation happens), one chain across all of them, the timers and policy
// every Baton process uses, and which models echo the user's message instead of the canonical
// reply (so an answer can be checked to belong to its own turn). Pure data and builders.
import type { WireProtocol } from "../src/providers/wire-protocol.ts";
import { canonicalReplyText } from "../src/simulator/index.ts";

export interface SoakProvider {
  readonly name: string;
  readonly api: WireProtocol;
  readonly credentials: readonly string[];
  readonly models: readonly string[];
}

export const soakProviders: readonly SoakProvider[] = [
  {
    name: "openai",
    api: "openai-chat",
    credentials: ["work", "personal"],
    models: ["gpt-5.5", "gpt-5.4-mini"],
  },
  { name: "anthropic", api: "anthropic-messages", credentials: ["main"], models: ["claude-sonnet-4-5"] },
  { name: "codex", api: "openai-responses", credentials: ["main"], models: ["gpt-5-codex"] },
  { name: "google", api: "google-gemini", credentials: ["main"], models: ["gemini-2.5-flash"] },
];

/** The one chain every turn runs: every provider, the OpenAI fallback model in the middle. */
export const soakChain: readonly string[] = [
  "openai/gpt-5.5",
  "anthropic/claude-sonnet-4-5",
  "openai/gpt-5.4-mini",
  "codex/gpt-5-codex",
  "google/gemini-2.5-flash",
];

/** Models that answer with the turn's own message (the simulator's `echo`). */
export const echoModels: ReadonlySet<string> = new Set([
  "anthropic/claude-sonnet-4-5",
  "google/gemini-2.5-flash",
]);

/** Per-attempt timers (ms). Faults are chosen well clear of them. */
export const soakTimers = { connectMs: 1_500, firstTokenMs: 2_000, idleMs: 1_500 } as const;

/** The reply pacing of a healthy model: slow enough that background writers land mid-turn. */
export const soakReply = { firstTokenDelayMs: 15, tokenDelayMs: 6 } as const;

/** The failover policy of every Baton process: short cooldowns and breakers so a run keeps moving. */
export const soakPolicy = {
  deadlineMs: 12_000,
  maxAttempts: 8,
  maxRetriesPerTarget: 2,
  waitBudgetMs: 1_500,
  backoff: { baseMs: 100, capMs: 1_000, fastMs: 50 },
  cooldowns: {
    rate_limit: { baseMs: 1_000, capMs: 5_000 },
    quota_exhausted: { baseMs: 2_000, capMs: 10_000 },
    billing: { baseMs: 3_000, capMs: 10_000 },
    auth: { baseMs: 3_000, capMs: 10_000 },
    permission: { baseMs: 3_000, capMs: 10_000 },
    model_not_found: { baseMs: 3_000, capMs: 10_000 },
  },
  breaker: {
    threshold: 3,
    providerThreshold: 3,
    windowMs: 30_000,
    baseMs: 2_000,
    capMs: 8_000,
    probeLeaseMs: 5_000,
  },
  timers: soakTimers,
} as const;

/** The tool every tool-offering turn gives the model. */
export const soakToolName = "record_step";

export interface CredentialRef {
  readonly provider: string;
  readonly credentialId: string;
}

export function allCredentials(): CredentialRef[] {
  return soakProviders.flatMap((provider) =>
    provider.credentials.map((credentialId) => ({ provider: provider.name, credentialId })),
  );
}

/** The environment variable a process reads a credential's key from. */
export function keyEnvName(ref: CredentialRef): string {
  return `BATON_SOAK_KEY_${ref.provider.toUpperCase()}_${ref.credentialId.toUpperCase()}`;
}

export function apiOf(provider: string): WireProtocol | undefined {
  return soakProviders.find((candidate) => candidate.name === provider)?.api;
}

/** The Baton config object (no keys: they come from the environment) for a simulator at `baseUrl(provider, api)`. */
export function batonConfig(
  baseUrl: (provider: string, api: WireProtocol) => string,
  dirs: { sessions: string; health: string },
): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const provider of soakProviders) {
    providers[provider.name] = {
      api: provider.api,
      baseUrl: baseUrl(provider.name, provider.api),
      credentials: provider.credentials.map((id) => ({
        id,
        apiKeyEnv: keyEnvName({ provider: provider.name, credentialId: id }),
      })),
    };
  }
  return {
    providers,
    chains: { default: [...soakChain] },
    policy: soakPolicy,
    sessions: { dir: dirs.sessions, durability: "turn-end" },
    health: { file: dirs.health },
  };
}

/** The complete answer a healthy model gives to `message`. */
export function expectedReply(servedModel: string, message: string): string {
  return echoModels.has(servedModel) ? message : canonicalReplyText;
}
