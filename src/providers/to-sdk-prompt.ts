// Converts Baton's conversation into the AI SDK prompt for one target, so a conversation
// begun on one provider continues on another: reasoning and signatures are kept only where
// they came from (elsewhere they would be rejected), tool-call ids are rewritten to the
// target's allowed shape (consistently for calls and results), and consecutive tool results
// are grouped into one message.
import { createHash } from "node:crypto";
import type {
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultPart,
} from "@ai-sdk/provider";
import type { AssistantPart, ConversationMessage, ToolDefinition } from "./conversation.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";

type AssistantContent = Extract<LanguageModelV4Message, { role: "assistant" }>["content"];

/** Rewrites a tool-call id into the shape the target accepts; the same input always gives the same output. */
export function toolCallIdFor(endpoint: ProviderEndpoint, id: string): string {
  switch (endpoint.quirks.toolCallIds) {
    case "anthropic":
      return /^[a-zA-Z0-9_-]+$/.test(id) ? id : id.replace(/[^a-zA-Z0-9_-]/g, "_");
    case "mistral":
      return /^[a-zA-Z0-9]{9}$/.test(id) ? id : createHash("sha256").update(id).digest("hex").slice(0, 9);
    default:
      return id;
  }
}

function sameOrigin(
  endpoint: ProviderEndpoint,
  message: Extract<ConversationMessage, { role: "assistant" }>,
): boolean {
  return message.origin?.provider === endpoint.id && message.origin.api === endpoint.api;
}

function assistantPart(
  endpoint: ProviderEndpoint,
  part: AssistantPart,
  native: boolean,
): AssistantContent[number] | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { type: "text", text: part.text };
    case "reasoning":
      // Reasoning is only replayed to the provider that produced it, with its signature.
      if (!native || part.signature === undefined) return undefined;
      if (endpoint.api === "anthropic-messages") {
        return {
          type: "reasoning",
          text: part.text,
          providerOptions: { anthropic: { signature: part.signature } },
        };
      }
      if (endpoint.api === "google-gemini") {
        return {
          type: "reasoning",
          text: part.text,
          providerOptions: { google: { thoughtSignature: part.signature } },
        };
      }
      return undefined;
    case "tool-call":
      return {
        type: "tool-call",
        toolCallId: toolCallIdFor(endpoint, part.toolCallId),
        toolName: part.toolName,
        input: part.input,
        ...(native && part.signature !== undefined && endpoint.api === "google-gemini"
          ? { providerOptions: { google: { thoughtSignature: part.signature } } }
          : {}),
      };
  }
}

export function toSdkPrompt(
  endpoint: ProviderEndpoint,
  messages: readonly ConversationMessage[],
): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Message[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        prompt.push({ role: "system", content: message.content });
        break;
      case "user":
        prompt.push({ role: "user", content: [{ type: "text", text: message.content }] });
        break;
      case "assistant": {
        const native = sameOrigin(endpoint, message);
        const content = message.content
          .map((part) => assistantPart(endpoint, part, native))
          .filter((part): part is AssistantContent[number] => part !== undefined);
        if (content.length > 0) prompt.push({ role: "assistant", content });
        break;
      }
      case "tool": {
        const result: LanguageModelV4ToolResultPart = {
          type: "tool-result",
          toolCallId: toolCallIdFor(endpoint, message.toolCallId),
          toolName: message.toolName,
          output:
            message.isError === true
              ? { type: "error-text", value: message.output }
              : { type: "text", value: message.output },
        };
        const previous = prompt.at(-1);
        if (previous?.role === "tool") previous.content.push(result);
        else prompt.push({ role: "tool", content: [result] });
        break;
      }
    }
  }
  return prompt;
}

export function toSdkTools(
  tools: readonly ToolDefinition[] | undefined,
): LanguageModelV4FunctionTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    type: "function",
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: tool.inputSchema as LanguageModelV4FunctionTool["inputSchema"],
  }));
}
