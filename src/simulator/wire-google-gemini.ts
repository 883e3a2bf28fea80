// Google Gemini rendering: the `GenerateContentResponse` body of `:generateContent`, and the
// `:streamGenerateContent?alt=sse` stream of the same objects, one per word token (a function
// call arrives whole in one chunk), ending with a chunk that carries `finishReason` and
// `usageMetadata`. Gemini has no stream terminator beyond that final chunk. An in-stream error
// is a `data: {"error": {code, message, status}}` line, which @google/genai raises. When the
// request turns thinking on, a function call carries a `thoughtSignature`, and with
// `includeThoughts` the thought summary comes first as `thought: true` text parts.
import { inStreamError } from "./error-shapes.ts";
import { functionCallSignature, type ReplyPlan } from "./reply-plan.ts";
import { type Frame, jsonFrame, type ReplyMeta, type WireRenderer } from "./wire-format.ts";

function finishReason(plan: ReplyPlan): string {
  return plan.finish === "length" ? "MAX_TOKENS" : "STOP";
}

function usageMetadata(plan: ReplyPlan) {
  return {
    promptTokenCount: plan.usage.inputTokens,
    candidatesTokenCount: plan.usage.outputTokens,
    totalTokenCount: plan.usage.inputTokens + plan.usage.outputTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: plan.usage.inputTokens }],
  };
}

function functionCallPart(plan: ReplyPlan): Record<string, unknown> | undefined {
  const call = plan.toolCall;
  if (call === undefined) return undefined;
  return {
    functionCall: { name: call.name, args: call.arguments },
    ...(plan.thinking === undefined ? {} : { thoughtSignature: functionCallSignature(call.name) }),
  };
}

function parts(plan: ReplyPlan): Record<string, unknown>[] {
  const thought = plan.thinking?.hidden === false ? [{ text: plan.thinking.text, thought: true }] : [];
  return [...thought, functionCallPart(plan) ?? { text: plan.text }];
}

function candidateChunk(meta: ReplyMeta, chunkParts: unknown[], extra: Record<string, unknown> = {}) {
  return {
    candidates: [{ content: { parts: chunkParts, role: "model" }, index: 0, ...extra }],
    modelVersion: meta.model,
    responseId: meta.id,
  };
}

export const googleGeminiRenderer: WireRenderer = {
  api: "google-gemini",
  idPrefix: "",
  streamContentType: "text/event-stream",
  jsonContentType: "application/json; charset=UTF-8",

  body(plan, meta) {
    return {
      candidates: [
        { content: { parts: parts(plan), role: "model" }, finishReason: finishReason(plan), index: 0 },
      ],
      usageMetadata: usageMetadata(plan),
      modelVersion: meta.model,
      responseId: meta.id,
    };
  },

  frames(plan, meta) {
    const frames: Frame[] = [];
    for (const token of plan.thinking?.tokens ?? [])
      frames.push(jsonFrame("token", candidateChunk(meta, [{ text: token, thought: true }])));
    const call = functionCallPart(plan);
    if (call !== undefined) frames.push(jsonFrame("token", candidateChunk(meta, [call])));
    else {
      for (const token of plan.tokens)
        frames.push(jsonFrame("token", candidateChunk(meta, [{ text: token }])));
    }
    frames.push(
      jsonFrame("terminator", {
        ...candidateChunk(meta, [{ text: "" }], { finishReason: finishReason(plan) }),
        usageMetadata: usageMetadata(plan),
      }),
    );
    return frames;
  },

  errorFrames(entry, context) {
    return [jsonFrame("structure", inStreamError(entry, "google-gemini", context))];
  },
};
