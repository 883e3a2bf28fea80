// Anthropic Messages rendering: the `message` body, and its stream (`message_start`, `ping`,
// `content_block_start` / `_delta` / `_stop` per block, `message_delta` with the stop reason
// and output usage, `message_stop`). A requested thinking block comes first, streamed as
// `thinking_delta`s and closed with a `signature_delta`. Errors mid-stream are `event: error`.
import { inStreamError } from "./error-shapes.ts";
import type { ReplyPlan } from "./reply-plan.ts";
import { type Frame, jsonFrame, type ReplyMeta, type WireRenderer } from "./wire-format.ts";

function stopReason(plan: ReplyPlan): string {
  if (plan.finish === "tool-calls") return "tool_use";
  return plan.finish === "length" ? "max_tokens" : "end_turn";
}

function usage(plan: ReplyPlan, outputTokens: number) {
  return {
    input_tokens: plan.usage.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

function contentBlocks(plan: ReplyPlan): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (plan.thinking !== undefined) {
    blocks.push({ type: "thinking", thinking: plan.thinking.text, signature: plan.thinking.signature });
  }
  const call = plan.toolCall;
  if (call !== undefined)
    blocks.push({ type: "tool_use", id: `toolu_${call.idSeed}`, name: call.name, input: call.arguments });
  else blocks.push({ type: "text", text: plan.text });
  return blocks;
}

function message(plan: ReplyPlan, meta: ReplyMeta, streaming: boolean): Record<string, unknown> {
  return {
    id: meta.id,
    type: "message",
    role: "assistant",
    model: meta.model,
    content: streaming ? [] : contentBlocks(plan),
    stop_reason: streaming ? null : stopReason(plan),
    stop_sequence: null,
    usage: usage(plan, streaming ? 1 : plan.usage.outputTokens),
  };
}

export const anthropicMessagesRenderer: WireRenderer = {
  api: "anthropic-messages",
  idPrefix: "msg_",
  streamContentType: "text/event-stream; charset=utf-8",
  jsonContentType: "application/json",

  body(plan, meta) {
    return message(plan, meta, false);
  },

  frames(plan, meta) {
    const frames: Frame[] = [];
    const add = (kind: Frame["kind"], type: string, fields: Record<string, unknown> = {}): void => {
      frames.push(jsonFrame(kind, { type, ...fields }, type));
    };
    add("structure", "message_start", { message: message(plan, meta, true) });
    add("structure", "ping");
    let index = 0;
    if (plan.thinking !== undefined) {
      add("structure", "content_block_start", {
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      for (const token of plan.thinking.tokens) {
        add("token", "content_block_delta", { index, delta: { type: "thinking_delta", thinking: token } });
      }
      add("structure", "content_block_delta", {
        index,
        delta: { type: "signature_delta", signature: plan.thinking.signature },
      });
      add("structure", "content_block_stop", { index });
      index += 1;
    }
    const call = plan.toolCall;
    if (call !== undefined) {
      add("structure", "content_block_start", {
        index,
        content_block: { type: "tool_use", id: `toolu_${call.idSeed}`, name: call.name, input: {} },
      });
      for (const piece of call.argumentChunks) {
        add("token", "content_block_delta", {
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        });
      }
    } else {
      add("structure", "content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const token of plan.tokens)
        add("token", "content_block_delta", { index, delta: { type: "text_delta", text: token } });
    }
    add("structure", "content_block_stop", { index });
    add("structure", "message_delta", {
      delta: { stop_reason: stopReason(plan), stop_sequence: null },
      usage: { output_tokens: plan.usage.outputTokens },
    });
    add("terminator", "message_stop");
    return frames;
  },

  errorFrames(entry, context) {
    return [jsonFrame("structure", inStreamError(entry, "anthropic-messages", context), "error")];
  },
};
