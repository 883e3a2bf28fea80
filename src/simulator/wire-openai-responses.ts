// OpenAI Responses rendering: the `response` object, and its typed stream (`response.created`,
// `response.in_progress`, output item / content part events, `response.output_text.delta` or
// `response.function_call_arguments.delta`, the `.done` events, then `response.completed` or
// `response.incomplete`), every event named and numbered by `sequence_number`. Errors in the
// stream are an `error` event and/or a `response.failed` event.
import { inStreamError, responsesFailure } from "./error-shapes.ts";
import type { ReplyPlan } from "./reply-plan.ts";
import { type Frame, jsonFrame, type ReplyMeta, type WireRenderer } from "./wire-format.ts";

type Status = "in_progress" | "completed" | "incomplete" | "failed";

function usage(plan: ReplyPlan) {
  return {
    input_tokens: plan.usage.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: plan.usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.usage.inputTokens + plan.usage.outputTokens,
  };
}

const itemId = (meta: ReplyMeta): string => `msg_${meta.id.slice(5)}`;
const callItemId = (meta: ReplyMeta): string => `fc_${meta.id.slice(5)}`;

function outputItem(plan: ReplyPlan, meta: ReplyMeta, done: boolean): Record<string, unknown> {
  const call = plan.toolCall;
  if (call !== undefined) {
    return {
      id: callItemId(meta),
      type: "function_call",
      status: done ? "completed" : "in_progress",
      arguments: done ? call.argumentsJson : "",
      call_id: `call_${call.idSeed}`,
      name: call.name,
    };
  }
  return {
    id: itemId(meta),
    type: "message",
    status: done ? (plan.finish === "length" ? "incomplete" : "completed") : "in_progress",
    content: done ? [{ type: "output_text", annotations: [], logprobs: [], text: plan.text }] : [],
    role: "assistant",
  };
}

function response(
  plan: ReplyPlan,
  meta: ReplyMeta,
  status: Status,
  error: unknown = null,
): Record<string, unknown> {
  const finished = status === "completed" || status === "incomplete";
  return {
    id: meta.id,
    object: "response",
    created_at: meta.created,
    status,
    background: false,
    error,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: null,
    max_output_tokens: null,
    model: meta.model,
    output: finished ? [outputItem(plan, meta, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: finished ? usage(plan) : null,
    user: null,
    metadata: {},
  };
}

function finalStatus(plan: ReplyPlan): Status {
  return plan.finish === "length" ? "incomplete" : "completed";
}

export const openAiResponsesRenderer: WireRenderer = {
  api: "openai-responses",
  idPrefix: "resp_",
  streamContentType: "text/event-stream; charset=utf-8",
  jsonContentType: "application/json",

  body(plan, meta) {
    return response(plan, meta, finalStatus(plan));
  },

  frames(plan, meta) {
    const events: { kind: Frame["kind"]; data: Record<string, unknown> }[] = [];
    const add = (kind: Frame["kind"], type: string, fields: Record<string, unknown>): void => {
      events.push({ kind, data: { type, ...fields } });
    };
    add("structure", "response.created", { response: response(plan, meta, "in_progress") });
    add("structure", "response.in_progress", { response: response(plan, meta, "in_progress") });
    add("structure", "response.output_item.added", { output_index: 0, item: outputItem(plan, meta, false) });
    const call = plan.toolCall;
    if (call === undefined) {
      const base = { item_id: itemId(meta), output_index: 0, content_index: 0 };
      add("structure", "response.content_part.added", {
        ...base,
        part: { type: "output_text", annotations: [], logprobs: [], text: "" },
      });
      for (const token of plan.tokens)
        add("token", "response.output_text.delta", { ...base, delta: token, logprobs: [] });
      add("structure", "response.output_text.done", { ...base, text: plan.text, logprobs: [] });
      add("structure", "response.content_part.done", {
        ...base,
        part: { type: "output_text", annotations: [], logprobs: [], text: plan.text },
      });
    } else {
      const base = { item_id: callItemId(meta), output_index: 0 };
      for (const piece of call.argumentChunks)
        add("token", "response.function_call_arguments.delta", { ...base, delta: piece });
      add("structure", "response.function_call_arguments.done", {
        ...base,
        name: call.name,
        arguments: call.argumentsJson,
      });
    }
    add("structure", "response.output_item.done", { output_index: 0, item: outputItem(plan, meta, true) });
    const status = finalStatus(plan);
    add("terminator", `response.${status}`, { response: response(plan, meta, status) });
    return events.map((event, index) =>
      jsonFrame(event.kind, { ...event.data, sequence_number: index }, event.data.type as string),
    );
  },

  errorFrames(entry, context, options) {
    const frames: Frame[] = [];
    let sequence = options.sequence;
    if (options.responsesEvent !== "response.failed") {
      const data = inStreamError(entry, "openai-responses", context) as Record<string, unknown>;
      frames.push(jsonFrame("structure", { ...data, sequence_number: sequence++ }, "error"));
    }
    if (options.responsesEvent !== "error") {
      const failed = {
        ...response(
          { text: "", tokens: [], finish: "stop", usage: { inputTokens: 0, outputTokens: 0 } },
          options.meta,
          "failed",
        ),
        error: responsesFailure(entry, context),
      };
      frames.push(
        jsonFrame(
          "structure",
          { type: "response.failed", response: failed, sequence_number: sequence },
          "response.failed",
        ),
      );
    }
    return frames;
  },
};
