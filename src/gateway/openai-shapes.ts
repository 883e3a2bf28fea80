// Baton's answer in OpenAI's chat completion shapes: the `model` name (the provider/model that
// answered), finish reasons, usage, tool calls, the non-streaming `chat.completion` body and the
// response headers that report attempts and the served model. Pure functions, no I/O.
import type { ToolCallPart } from "../providers/conversation.ts";
import type { FinishReason, ModelTarget, Usage } from "../providers/model-stream.ts";
import type { TurnResult } from "../turn/turn-types.ts";

export type OpenAiFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** `deepseek/deepseek-v4-pro`: usable as the `model` of a later request. */
export function servedModel(target: ModelTarget): string {
  return `${target.provider}/${target.model}`;
}

export function openAiFinishReason(reason: FinishReason): OpenAiFinishReason {
  switch (reason) {
    case "length":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    default:
      return "stop";
  }
}

export function openAiUsage(usage: Usage): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

export interface OpenAiToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

export function openAiToolCall(
  call: Pick<ToolCallPart, "toolCallId" | "toolName" | "input">,
): OpenAiToolCall {
  return {
    id: call.toolCallId,
    type: "function",
    function: { name: call.toolName, arguments: JSON.stringify(call.input ?? {}) },
  };
}

/** Headers naming the attempts and the model that served the answer. */
export function servedHeaders(attempts: number, served: ModelTarget, turnId: string): Record<string, string> {
  return {
    "x-baton-attempts": String(attempts),
    "x-baton-served-provider": served.provider,
    "x-baton-served-model": served.model,
    "x-baton-turn-id": turnId,
  };
}

/** The `chat.completion` body of a non-streaming answer. */
export function completionBody(result: TurnResult, created: number): Record<string, unknown> {
  const reasoning = result.content.flatMap((part) => (part.type === "reasoning" ? [part.text] : [])).join("");
  const toolCalls = result.content.flatMap((part) =>
    part.type === "tool-call" ? [openAiToolCall(part)] : [],
  );
  const text = result.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
  return {
    id: `chatcmpl-${result.turnId}`,
    object: "chat.completion",
    created,
    model: servedModel(result.served),
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text === "" && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(reasoning === "" ? {} : { reasoning_content: reasoning }),
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: openAiFinishReason(result.finishReason),
      },
    ],
    usage: openAiUsage(result.usage),
  };
}
