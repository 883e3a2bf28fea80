import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  functionCallSignature,
  planReply,
  resolveReply,
  thinkingSignature,
  tokenize,
} from "./reply-plan.ts";
import type { ParsedRequest } from "./request-parsing.ts";

const request = (fields: Partial<ParsedRequest> = {}): ParsedRequest => ({
  model: "m",
  stream: false,
  includeUsage: false,
  toolNames: [],
  lastUserText: "what did I say?",
  toolResultAfterLastUser: false,
  endsWithAssistant: false,
  thinkingRequested: false,
  promptChars: 17,
  ...fields,
});

describe("reply plan", () => {
  it("splits any text into word tokens that join back to exactly the text", () => {
    fc.assert(fc.property(fc.string(), (text) => tokenize(text).join("") === text));
    expect(tokenize("a b  c")).toEqual(["a", " b", "  c"]);
  });

  it("answers with the canonical text and counts usage deterministically", () => {
    const plan = planReply(request(), resolveReply({}, "p", "m"));
    expect(plan.text).toBe(canonicalReplyText);
    expect(plan.usage).toEqual({ inputTokens: 5, outputTokens: tokenize(canonicalReplyText).length });
    expect(planReply(request(), resolveReply({}, "p", "m"))).toEqual(plan);
  });

  it("echoes the last user message when asked", () => {
    const plan = planReply(request(), resolveReply({ reply: { echo: true } }, "p", "m"));
    expect(plan.text).toBe("what did I say?");
  });

  it("calls the first offered tool until a tool result follows the last user message", () => {
    const reply = resolveReply({}, "p", "m");
    const call = planReply(request({ toolNames: ["search", "open"] }), reply);
    expect(call.finish).toBe("tool-calls");
    expect(call.toolCall).toMatchObject({ name: "search", argumentsJson: "{}" });
    const after = planReply(request({ toolNames: ["search"], toolResultAfterLastUser: true }), reply);
    expect(after.toolCall).toBeUndefined();
    expect(after.text).toBe(canonicalReplyText);
    const never = planReply(
      request({ toolNames: ["search"] }),
      resolveReply({ reply: { toolCall: false } }, "p", "m"),
    );
    expect(never.toolCall).toBeUndefined();
  });

  it("cuts the answer at the request's output limit with finish 'length'", () => {
    const plan = planReply(request({ maxOutputTokens: 2 }), resolveReply({}, "p", "m"));
    expect(plan).toMatchObject({ text: "Baton simulator", finish: "length" });
  });

  it("adds a signed thinking block when thinking is requested", () => {
    const plan = planReply(
      request({ thinkingRequested: true }),
      resolveReply({ reply: { thinkingText: "hmm" } }, "p", "m"),
    );
    expect(plan.thinking).toEqual({
      text: "hmm",
      tokens: ["hmm"],
      signature: thinkingSignature("hmm"),
      hidden: false,
    });
    expect(thinkingSignature("hmm")).not.toBe(thinkingSignature("hmm!"));
  });

  it("thinks without streaming the thoughts when they are hidden (Gemini without includeThoughts)", () => {
    const reply = resolveReply({ reply: { thinkingText: "hmm" } }, "p", "m");
    const plan = planReply(request({ thinkingRequested: true, thoughtsHidden: true }), reply);
    expect(plan.thinking).toMatchObject({ tokens: [], hidden: true });
    expect(plan.usage.outputTokens).toBe(tokenize(canonicalReplyText).length);
    expect(functionCallSignature("search")).not.toBe(functionCallSignature("open"));
  });

  it("lets provider/model overrides beat model overrides, which beat the scenario reply", () => {
    const scenario = {
      reply: { text: "base", tokenDelayMs: 5 },
      models: { m: { text: "model" }, "p/m": { text: "provider" } },
    };
    expect(resolveReply(scenario, "p", "m")).toMatchObject({ text: "provider", tokenDelayMs: 5 });
    expect(resolveReply(scenario, "q", "m").text).toBe("model");
    expect(resolveReply(scenario, "q", "other").text).toBe("base");
  });
});
