// OpenAI chat messages to a Baton turn: system/developer messages become the turn's system
// prompt, the rest becomes conversation history, and the request's new input is either its
// last user message or the tool results after the last assistant message (the client ran the
// tools). Offered tools become tool definitions Baton passes on and never executes; sampling
// settings (temperature, top_p, penalties, seed, stop) and the reasoning effort are passed on.
// Only text content is accepted; anything else is a 400 naming the part.
import type {
  AssistantPart,
  ConversationMessage,
  ToolCallPart,
  ToolDefinition,
} from "../providers/conversation.ts";
import type { ReasoningEffort, Sampling } from "../providers/model-stream.ts";
import type { ToolResultMessage } from "../turn/turn-types.ts";
import type { ChatMessage, ChatRequest } from "./chat-request.ts";
import { invalidRequest } from "./gateway-error.ts";

export interface ChatTurnInput {
  readonly system?: string;
  /** Every message before the new input (for a stateless turn). */
  readonly history: readonly ConversationMessage[];
  /** The last user message, when the request ends with one. */
  readonly message?: string;
  /** The tool results after the last assistant message, when the request ends with them. */
  readonly toolResults: readonly ToolResultMessage[];
  readonly toolDefinitions: readonly ToolDefinition[];
  readonly maxOutputTokens?: number;
  readonly sampling?: Sampling;
  readonly reasoning?: ReasoningEffort;
}

/** The request's sampling settings, when it has any. */
function samplingOf(request: ChatRequest): Sampling | undefined {
  const { temperature, top_p, presence_penalty, frequency_penalty, seed, stop } = request;
  const sampling: { -readonly [K in keyof Sampling]: Sampling[K] } = {};
  if (typeof temperature === "number") sampling.temperature = temperature;
  if (typeof top_p === "number") sampling.topP = top_p;
  if (typeof presence_penalty === "number") sampling.presencePenalty = presence_penalty;
  if (typeof frequency_penalty === "number") sampling.frequencyPenalty = frequency_penalty;
  if (typeof seed === "number") sampling.seed = seed;
  if (stop !== undefined && stop !== null) sampling.stopSequences = typeof stop === "string" ? [stop] : stop;
  return Object.keys(sampling).length === 0 ? undefined : sampling;
}

function text(content: ChatMessage["content"], at: string, allowRefusal = false): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, index) => {
      if (part.type === "text" || (allowRefusal && part.type === "refusal")) {
        if (typeof part.text === "string") return part.text;
        throw invalidRequest(`${at}[${index}].text: expected a string`, `${at}[${index}].text`);
      }
      throw invalidRequest(
        `${at}[${index}].type: only "text" content parts are supported by this gateway, got ${JSON.stringify(part.type)}`,
        `${at}[${index}].type`,
      );
    })
    .join("");
}

function toolCallParts(message: ChatMessage, index: number): ToolCallPart[] {
  return (message.tool_calls ?? []).map((call, callIndex) => {
    const at = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
    let input: unknown;
    try {
      input = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
    } catch {
      throw invalidRequest(
        `${at}: expected a JSON string, got ${JSON.stringify(call.function.arguments.slice(0, 80))}`,
        at,
      );
    }
    return { type: "tool-call", toolCallId: call.id, toolName: call.function.name, input };
  });
}

function toolDefinitionsOf(request: ChatRequest): ToolDefinition[] {
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== null && choice !== "auto" && choice !== "none") {
    throw invalidRequest(
      `tool_choice: only "auto" and "none" are supported by this gateway, got ${JSON.stringify(choice)}`,
      "tool_choice",
    );
  }
  if (choice === "none") return [];
  return (request.tools ?? []).map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description == null ? {} : { description: tool.function.description }),
    inputSchema: tool.function.parameters ?? { type: "object", properties: {} },
  }));
}

/**
 * Maps a validated request to the turn's inputs; throws a 400 GatewayError naming the message.
 * @example
 * toTurnInput(request); // { system, history: [...], message: "last user text", toolResults: [], ... }
 */
export function toTurnInput(request: ChatRequest): ChatTurnInput {
  const system: string[] = [];
  const conversation: ConversationMessage[] = [];
  const positions: number[] = [];
  const toolNames = new Map<string, string>();
  request.messages.forEach((message, index) => {
    const at = `messages[${index}].content`;
    switch (message.role) {
      case "system":
      case "developer":
        system.push(text(message.content, at));
        return;
      case "user":
        conversation.push({ role: "user", content: text(message.content, at) });
        break;
      case "assistant": {
        const calls = toolCallParts(message, index);
        for (const call of calls) toolNames.set(call.toolCallId, call.toolName);
        const said = text(message.content, at, true);
        const parts: AssistantPart[] = said === "" && calls.length > 0 ? [] : [{ type: "text", text: said }];
        conversation.push({ role: "assistant", content: [...parts, ...calls] });
        break;
      }
      case "tool": {
        const id = message.tool_call_id;
        const name = id == null ? undefined : toolNames.get(id);
        if (id == null || name === undefined) {
          throw invalidRequest(
            `messages[${index}].tool_call_id: expected the id of a tool call in an earlier assistant message, got ${JSON.stringify(id ?? null)}`,
            `messages[${index}].tool_call_id`,
          );
        }
        conversation.push({
          role: "tool",
          toolCallId: id,
          toolName: name,
          output: text(message.content, at),
        });
        break;
      }
    }
    positions.push(index);
  });
  const last = conversation.at(-1);
  const lastIndex = positions.at(-1) ?? request.messages.length - 1;
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const sampling = samplingOf(request);
  const common = {
    ...(system.length === 0 ? {} : { system: system.join("\n\n") }),
    toolDefinitions: toolDefinitionsOf(request),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(sampling === undefined ? {} : { sampling }),
    ...(request.reasoning_effort === undefined || request.reasoning_effort === null
      ? {}
      : { reasoning: request.reasoning_effort }),
  };
  if (last?.role === "user") {
    return { ...common, history: conversation.slice(0, -1), message: last.content, toolResults: [] };
  }
  if (last?.role === "tool") {
    let start = conversation.length;
    while (start > 0 && conversation[start - 1]?.role === "tool") start -= 1;
    return {
      ...common,
      history: conversation.slice(0, start),
      toolResults: conversation.slice(start) as ToolResultMessage[],
    };
  }
  throw invalidRequest(
    `messages[${lastIndex}].role: the last message must be a user message or tool results, got ${JSON.stringify(last?.role ?? "system")} (an assistant prefill is not supported)`,
    `messages[${lastIndex}].role`,
  );
}
