import { describe, expect, it } from "vitest";
import { type RequestFacts, selectFault, windowRemainingMs } from "./fault-matching.ts";
import type { FaultRule } from "./scenario-schema.ts";

const facts = (fields: Partial<RequestFacts> = {}): RequestFacts => ({
  provider: "openai",
  api: "openai-chat",
  model: "gpt",
  apiKey: "sk-1",
  stream: true,
  call: 1,
  elapsedMs: 0,
  endsWithAssistant: false,
  ...fields,
});

const quota: FaultRule = {
  match: { apiKey: "sk-1", window: { untilMs: 1000 } },
  fault: { kind: "http-error", error: "quota" },
};
const firstTwo: FaultRule = {
  match: { provider: ["openai", "azure"], calls: { to: 2 } },
  fault: { kind: "never-answer" },
};
const prefill: FaultRule = { fault: { kind: "reject-prefill" } };

describe("fault matching", () => {
  it("applies the first rule whose every condition holds", () => {
    expect(selectFault([quota, firstTwo], facts())?.index).toBe(0);
    expect(selectFault([quota, firstTwo], facts({ apiKey: "sk-2" }))?.index).toBe(1);
    expect(selectFault([quota, firstTwo], facts({ apiKey: "sk-2", call: 3 }))).toBeUndefined();
    expect(
      selectFault([quota, firstTwo], facts({ apiKey: undefined, provider: "anthropic" })),
    ).toBeUndefined();
  });

  it("opens and closes time windows at fromMs (inclusive) and untilMs (exclusive)", () => {
    const later: FaultRule = {
      match: { window: { fromMs: 100, untilMs: 200 } },
      fault: { kind: "never-answer" },
    };
    expect(
      [99, 100, 199, 200].map((elapsedMs) => selectFault([later], facts({ elapsedMs })) !== undefined),
    ).toEqual([false, true, true, false]);
    expect(windowRemainingMs(quota.match, 250)).toBe(750);
    expect(windowRemainingMs(firstTwo.match, 250)).toBeUndefined();
  });

  it("rejects a prefill only when the request ends with an assistant message", () => {
    expect(selectFault([prefill, firstTwo], facts())?.index).toBe(1);
    expect(selectFault([prefill, firstTwo], facts({ endsWithAssistant: true }))?.index).toBe(0);
  });

  it("matches streaming and protocol when asked", () => {
    const streamedResponses: FaultRule = {
      match: { stream: true, api: "openai-responses" },
      fault: { kind: "missing-terminator" },
    };
    expect(selectFault([streamedResponses], facts({ api: "openai-responses" }))).toBeDefined();
    expect(
      selectFault([streamedResponses], facts({ api: "openai-responses", stream: false })),
    ).toBeUndefined();
    expect(selectFault([streamedResponses], facts())).toBeUndefined();
  });
});
