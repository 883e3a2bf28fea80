// OpenAI Chat Completions rendering: the `chat.completion` body, and the stream of
// `chat.completion.chunk` events (role chunk, content or tool-call deltas, the finish chunk,
// the usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`). An
// in-stream error is a `data: {"error": {...}}` line, which the official client raises.
import { inStreamError } from "./error-shapes.ts";
import type { ReplyPlan } from "./reply-plan.ts";
import { type Frame, jsonFrame, type ReplyMeta, type WireRenderer } from "./wire-format.ts";

const fingerprint = "fp_batonsim";

function finishReason(plan: ReplyPlan): string {
  return plan.finish === "tool-calls" ? "tool_calls" : plan.finish;
}

function usage(plan: ReplyPlan) {
  return {
    prompt_tokens: plan.usage.inputTokens,
    completion_tokens: plan.usage.outputTokens,
    total_tokens: plan.usage.inputTokens + plan.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chunk(meta: ReplyMeta, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    service_tier: "default",
    system_fingerprint: fingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(meta.includeUsage ? { usage: null } : {}),
  };
}

export const openAiChatRenderer: WireRenderer = {
  api: "openai-chat",
  idPrefix: "chatcmpl-",
  streamContentType: "text/event-stream; charset=utf-8",
  jsonContentType: "application/json",

  body(plan, meta) {
    const call = plan.toolCall;
    return {
      id: meta.id,
      object: "chat.completion",
      created: meta.created,
      model: meta.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: call === undefined ? plan.text : null,
            refusal: null,
            annotations: [],
            ...(call === undefined
              ? {}
              : {
                  tool_calls: [
                    {
                      id: `call_${call.idSeed}`,
                      type: "function",
                      function: { name: call.name, arguments: call.argumentsJson },
                    },
                  ],
                }),
          },
          logprobs: null,
          finish_reason: finishReason(plan),
        },
      ],
      usage: usage(plan),
      service_tier: "default",
      system_fingerprint: fingerprint,
    };
  },

  frames(plan, meta) {
    const frames: Frame[] = [];
    const call = plan.toolCall;
    if (call === undefined) {
      frames.push(jsonFrame("structure", chunk(meta, { role: "assistant", content: "", refusal: null })));
      for (const token of plan.tokens) frames.push(jsonFrame("token", chunk(meta, { content: token })));
    } else {
      const opening = {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            index: 0,
            id: `call_${call.idSeed}`,
            type: "function",
            function: { name: call.name, arguments: "" },
          },
        ],
        refusal: null,
      };
      frames.push(jsonFrame("structure", chunk(meta, opening)));
      for (const piece of call.argumentChunks) {
        frames.push(
          jsonFrame("token", chunk(meta, { tool_calls: [{ index: 0, function: { arguments: piece } }] })),
        );
      }
    }
    frames.push(jsonFrame("structure", chunk(meta, {}, finishReason(plan))));
    if (meta.includeUsage) {
      frames.push(
        jsonFrame("structure", {
          id: meta.id,
          object: "chat.completion.chunk",
          created: meta.created,
          model: meta.model,
          service_tier: "default",
          system_fingerprint: fingerprint,
          choices: [],
          usage: usage(plan),
        }),
      );
    }
    frames.push({ kind: "terminator", data: "[DONE]" });
    return frames;
  },

  errorFrames(entry, context) {
    return [jsonFrame("structure", inStreamError(entry, "openai-chat", context))];
  },
};
