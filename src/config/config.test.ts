import { describe, expect, it } from "vitest";
import { checkReferences } from "./check-references.ts";
import { validateConfig } from "./load-config.ts";

const file = "baton.config.json";

function valid(): Record<string, unknown> {
  return {
    providers: {
      openai: { credentials: [{ id: "work", apiKeyEnv: "OPENAI_API_KEY" }] },
      deepseek: { credentials: [{ id: "main", apiKeyEnv: "DEEPSEEK_API_KEY" }] },
    },
    chains: { default: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"] },
  };
}

function errorOf(raw: unknown): string {
  try {
    checkReferences(file, validateConfig(file, raw));
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("config validation", () => {
  it("accepts a minimal config and fills in defaults", () => {
    const config = validateConfig(file, valid());
    expect(config.policy.timers.firstTokenMs).toBe(60_000);
    expect(config.sessions.durability).toBe("turn-end");
    expect(() => checkReferences(file, config)).not.toThrow();
  });

  it("names the chain entry that refers to an unknown provider, with a suggestion", () => {
    const raw = valid();
    (raw.chains as Record<string, string[]>).default = [
      "openai/gpt-5.5",
      "openai/gpt-5.4-mini",
      "deepsek/deepseek-v4-pro",
    ];
    expect(errorOf(raw)).toBe(
      "baton.config.json: chains.default[2]: unknown provider 'deepsek' in 'deepsek/deepseek-v4-pro' (did you mean 'deepseek'?); configured: openai, deepseek",
    );
  });

  it("rejects unknown keys with a did-you-mean", () => {
    const raw = { ...valid(), chain: {} };
    expect(errorOf(raw)).toBe("baton.config.json: chain: unknown key 'chain' (did you mean 'chains'?)");
    const nested = valid();
    (nested.providers as Record<string, Record<string, unknown>>).openai = {
      credentials: [{ id: "work", apiKeyEnvv: "X" }],
    };
    expect(errorOf(nested)).toContain(
      "providers.openai.credentials[0].apiKeyEnvv: unknown key 'apiKeyEnvv' (did you mean 'apiKeyEnv'?)",
    );
  });

  it("says what was expected for a wrong value", () => {
    const raw = { ...valid(), policy: { commitMode: "later" } };
    expect(errorOf(raw)).toBe(
      'baton.config.json: policy.commitMode: expected one of "forward", "hold", got "later"',
    );
    const reference = { ...valid(), chains: { default: ["gpt-5.5"] } };
    expect(errorOf(reference)).toContain(
      "chains.default[0]: expected a 'provider/model' reference, got \"gpt-5.5\"",
    );
  });

  it("never echoes an inline key in an error", () => {
    const raw = valid();
    (raw.providers as Record<string, Record<string, unknown>>).openai = {
      credentials: [{ id: "work", apiKey: 12345678 }],
    };
    const message = errorOf(raw);
    expect(message).toContain("providers.openai.credentials[0].apiKey");
    expect(message).not.toContain("12345678");
  });

  it("requires api and baseUrl for a provider that is not a preset", () => {
    const raw = valid();
    (raw.providers as Record<string, unknown>).inhouse = { credentials: [{ id: "a", apiKeyEnv: "K" }] };
    expect(errorOf(raw)).toContain("providers.inhouse: 'inhouse' is not a known preset, so it needs 'api'");
  });

  it("requires a credential unless the provider is keyless", () => {
    const raw = valid();
    (raw.providers as Record<string, unknown>).openai = {};
    expect(errorOf(raw)).toContain("providers.openai.credentials: expected at least one credential");
    (raw.providers as Record<string, unknown>).openai = { credentials: [{ id: "w", apiKeyEnv: "K" }] };
    (raw.providers as Record<string, unknown>).ollama = {};
    expect(errorOf(raw)).toBe("no error");
  });
});
