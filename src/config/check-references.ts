// Checks what the schema cannot: that chains name configured providers, that each provider
// resolves to a wire protocol and base URL, that providers needing keys have credentials,
// and that the default chain exists. Errors name the file, the path and a likely fix.
import { findPreset, providerPresets } from "../providers/presets.ts";
import { ConfigError } from "./config-error.ts";
import type { BatonConfig } from "./config-schema.ts";
import { didYouMean } from "./did-you-mean.ts";

export function checkReferences(file: string, config: BatonConfig): void {
  const providerNames = Object.keys(config.providers);
  for (const [name, provider] of Object.entries(config.providers)) {
    const presetName = provider.preset ?? name;
    const preset = findPreset(presetName);
    if (provider.preset !== undefined && preset === undefined) {
      const known = providerPresets.map((candidate) => candidate.id);
      throw new ConfigError(
        file,
        `providers.${name}.preset`,
        `unknown preset '${provider.preset}'${didYouMean(provider.preset, known)}`,
      );
    }
    if (preset === undefined && (provider.api === undefined || provider.baseUrl === undefined)) {
      throw new ConfigError(
        file,
        `providers.${name}`,
        `'${name}' is not a known preset, so it needs 'api' (the wire protocol) and 'baseUrl'`,
      );
    }
    if (provider.credentials.length === 0 && preset?.quirks.keyless !== true) {
      throw new ConfigError(
        file,
        `providers.${name}.credentials`,
        "expected at least one credential ({ id, apiKeyEnv })",
      );
    }
    const ids = new Set<string>();
    provider.credentials.forEach((credential, index) => {
      if (ids.has(credential.id)) {
        throw new ConfigError(
          file,
          `providers.${name}.credentials[${index}].id`,
          `duplicate credential id '${credential.id}'`,
        );
      }
      ids.add(credential.id);
    });
  }
  for (const [chainName, references] of Object.entries(config.chains)) {
    references.forEach((reference, index) => {
      const provider = reference.slice(0, reference.indexOf("/"));
      if (config.providers[provider] === undefined) {
        throw new ConfigError(
          file,
          `chains.${chainName}[${index}]`,
          `unknown provider '${provider}' in '${reference}'${didYouMean(provider, providerNames)}; configured: ${providerNames.join(", ") || "none"}`,
        );
      }
    });
  }
  if (config.defaultChain !== undefined && config.chains[config.defaultChain] === undefined) {
    throw new ConfigError(
      file,
      "defaultChain",
      `no chain named '${config.defaultChain}'${didYouMean(config.defaultChain, Object.keys(config.chains))}`,
    );
  }
}
