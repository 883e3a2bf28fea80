import { describe, expect, it } from "vitest";
import { expandCandidates, type ResolvedChain } from "./chain.ts";

const chain: ResolvedChain = {
  name: "default",
  providers: [
    {
      id: "openai",
      api: "openai-chat",
      credentials: [{ id: "openai:work" }, { id: "openai:personal", revision: "3fa2" }],
    },
    { id: "deepseek", api: "openai-chat", credentials: [{ id: "deepseek:main" }] },
  ],
  candidates: [
    { provider: "openai", model: "gpt-5.5" },
    { provider: "deepseek", model: "deepseek-v4-pro", options: { contextWindow: 128_000 } },
    { provider: "openai", model: "gpt-5.4-mini" },
  ],
};

describe("expandCandidates", () => {
  it("lists each candidate through each of its provider's credentials, in chain order", () => {
    const targets = expandCandidates(chain);
    expect(targets.map((target) => `${target.target.model}@${target.target.credentialId}`)).toEqual([
      "gpt-5.5@openai:work",
      "gpt-5.5@openai:personal",
      "deepseek-v4-pro@deepseek:main",
      "gpt-5.4-mini@openai:work",
      "gpt-5.4-mini@openai:personal",
    ]);
    expect(targets.map((target) => target.candidateIndex)).toEqual([0, 0, 1, 2, 2]);
    expect(targets[2]?.options.contextWindow).toBe(128_000);
    expect(targets[1]?.keys.map((key) => key.kind)).toEqual([
      "provider",
      "credential",
      "model",
      "credential-model",
    ]);
    expect(targets[1]?.keys[1]).toMatchObject({ credentialId: "openai:personal", revision: "3fa2" });
  });

  it("names what is wrong with a chain", () => {
    expect(() => expandCandidates({ ...chain, candidates: [] })).toThrow('chain "default" has no candidates');
    expect(() =>
      expandCandidates({ ...chain, candidates: [{ provider: "anthropic", model: "claude" }] }),
    ).toThrow('chain "default": candidate 1 (anthropic/claude) names unknown provider "anthropic"');
    expect(() =>
      expandCandidates({ ...chain, providers: [{ id: "openai", api: "openai-chat", credentials: [] }] }),
    ).toThrow('chain "default": provider "openai" has no credentials');
  });
});
