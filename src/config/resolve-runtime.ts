// Turns a validated config into what the runtime needs: provider endpoints for the adapters,
// a resolved chain for the failover engine, the policy input, and a key lookup that reads
// credentials from the environment (or the file) only when an attempt needs them. Keys are
// never stored in anything this returns except the lookup's closure.
import { createHash } from "node:crypto";
import type { ResolvedChain } from "../failover/chain.ts";
import type { FailoverPolicyInput } from "../failover/policy.ts";
import type { ModelTimers } from "../providers/model-stream.ts";
import { type ProviderEndpoint, resolveEndpoint } from "../providers/provider-endpoint.ts";
import { ConfigError } from "./config-error.ts";
import type { BatonConfig } from "./config-schema.ts";
import { didYouMean } from "./did-you-mean.ts";

export interface RuntimeConfig {
  readonly file: string;
  readonly config: BatonConfig;
  readonly endpoints: readonly ProviderEndpoint[];
  readonly policy: FailoverPolicyInput;
  /** The chain by name (or the default chain). */
  chain(name?: string): ResolvedChain;
  /** An ad-hoc chain from `provider/model` references (a gateway request's model and fallbacks). */
  chainOf(references: readonly string[], name?: string): ResolvedChain;
  /** The key of a credential (`provider:id`), or undefined when its env var is unset. */
  apiKey(provider: string, credentialId: string): string | undefined;
  /** Every credential and where its key comes from, for `baton doctor` (never the key). */
  credentialSources(): { provider: string; credentialId: string; source: string; present: boolean }[];
}

/** `openai:work`: the credential id used in targets, traces and health keys. */
export function qualifiedCredentialId(provider: string, id: string): string {
  return `${provider}:${id}`;
}

function mergeTimers(base: ModelTimers, override: ModelTimers | undefined): ModelTimers {
  return { ...base, ...override };
}

/** Fingerprints already computed, by key: chains are resolved on every turn. */
const revisions = new Map<string, string>();

/** A short non-secret fingerprint of a key: changes when the key changes, reveals nothing of it. */
function keyRevision(key: string): string {
  let revision = revisions.get(key);
  if (revision === undefined) {
    revision = createHash("sha256").update(key).digest("hex").slice(0, 8);
    // Keys come from the config and its environment: few. Bound it anyway against key churn.
    if (revisions.size >= 1024) revisions.clear();
    revisions.set(key, revision);
  }
  return revision;
}

export function resolveRuntime(file: string, config: BatonConfig, env: NodeJS.ProcessEnv): RuntimeConfig {
  const endpoints = Object.entries(config.providers).map(([id, provider]) =>
    resolveEndpoint({
      id,
      ...(provider.preset === undefined ? {} : { preset: provider.preset }),
      ...(provider.api === undefined ? {} : { api: provider.api }),
      ...(provider.baseUrl === undefined ? {} : { baseUrl: provider.baseUrl }),
      ...(provider.headers === undefined ? {} : { headers: provider.headers }),
    }),
  );
  const keyOf = (provider: string, qualifiedId: string): string | undefined => {
    const credential = config.providers[provider]?.credentials.find(
      (candidate) => qualifiedCredentialId(provider, candidate.id) === qualifiedId,
    );
    if (credential === undefined) return undefined;
    if (credential.apiKey !== undefined) return credential.apiKey;
    const value = credential.apiKeyEnv === undefined ? undefined : env[credential.apiKeyEnv];
    return value === undefined || value === "" ? undefined : value;
  };
  const { timers, ...policy } = config.policy;
  return {
    file,
    config,
    endpoints,
    policy,
    apiKey: keyOf,
    chain(name) {
      const chainName = name ?? config.defaultChain ?? Object.keys(config.chains)[0];
      const references = chainName === undefined ? undefined : config.chains[chainName];
      if (chainName === undefined || references === undefined) {
        const known = Object.keys(config.chains);
        throw new ConfigError(
          file,
          "chains",
          `no chain named '${name ?? ""}'${didYouMean(name ?? "", known)}; configured: ${known.join(", ") || "none"}`,
        );
      }
      return this.chainOf(references, chainName);
    },
    chainOf(references, chainName = references.join(",")) {
      const providerNames = Object.keys(config.providers);
      references.forEach((reference, index) => {
        const slash = reference.indexOf("/");
        const provider = slash <= 0 ? reference : reference.slice(0, slash);
        if (slash <= 0 || slash === reference.length - 1) {
          throw new ConfigError(
            file,
            `${chainName}[${index}]`,
            `expected a 'provider/model' reference, got '${reference}'`,
          );
        }
        if (config.providers[provider] === undefined) {
          throw new ConfigError(
            file,
            `${chainName}[${index}]`,
            `unknown provider '${provider}'${didYouMean(provider, providerNames)}; configured: ${providerNames.join(", ") || "none"}`,
          );
        }
      });
      const used = new Set(references.map((reference) => reference.slice(0, reference.indexOf("/"))));
      return {
        name: chainName,
        providers: endpoints
          .filter((endpoint) => used.has(endpoint.id))
          .map((endpoint) => {
            const credentials = config.providers[endpoint.id]?.credentials ?? [];
            if (credentials.length === 0)
              return {
                id: endpoint.id,
                api: endpoint.api,
                credentials: [{ id: qualifiedCredentialId(endpoint.id, "none") }],
              };
            // Credentials whose key is not set are left out; a provider with none left is a config error.
            const usable = credentials.flatMap((credential) => {
              const qualified = qualifiedCredentialId(endpoint.id, credential.id);
              const key = keyOf(endpoint.id, qualified);
              return key === undefined ? [] : [{ id: qualified, revision: keyRevision(key) }];
            });
            if (usable.length === 0) {
              const variables = credentials.map((credential) =>
                credential.apiKeyEnv === undefined ? "apiKey" : `$${credential.apiKeyEnv}`,
              );
              throw new ConfigError(
                file,
                `providers.${endpoint.id}.credentials`,
                `no key for any credential of '${endpoint.id}' (chain '${chainName}' uses it): ${variables.join(", ")} ${variables.length === 1 ? "is" : "are"} not set`,
              );
            }
            return { id: endpoint.id, api: endpoint.api, credentials: usable };
          }),
        candidates: references.map((reference) => {
          const slash = reference.indexOf("/");
          const provider = reference.slice(0, slash);
          const model = reference.slice(slash + 1);
          const options = config.providers[provider]?.models[model];
          return {
            provider,
            model,
            options: {
              timers: mergeTimers(timers, options?.timers),
              ...(options?.contextWindow === undefined ? {} : { contextWindow: options.contextWindow }),
              ...(options?.acceptsPrefill === undefined ? {} : { acceptsPrefill: options.acceptsPrefill }),
              ...(options?.reasoning === undefined ? {} : { reasoning: options.reasoning }),
            },
          };
        }),
      };
    },
    credentialSources() {
      return Object.entries(config.providers).flatMap(([provider, settings]) =>
        settings.credentials.map((credential) => ({
          provider,
          credentialId: qualifiedCredentialId(provider, credential.id),
          source:
            credential.apiKeyEnv === undefined
              ? "inline apiKey in the config file"
              : `$${credential.apiKeyEnv}`,
          present: keyOf(provider, qualifiedCredentialId(provider, credential.id)) !== undefined,
        })),
      );
    },
  };
}
