// Baton's provider-neutral conversation format: what the session store persists and what
// every adapter converts to and from its wire protocol. Plain JSON-serialisable data.
import type { WireProtocol } from "./wire-protocol.ts";

/** Which provider produced a piece of content; used to drop what another provider would reject. */
export interface ContentOrigin {
  readonly provider: string;
  readonly api: WireProtocol;
  readonly model: string;
}

export interface TextPart {
  readonly type: "text";
  readonly text: string;
}

export interface ReasoningPart {
  readonly type: "reasoning";
  readonly text: string;
  /** Provider signature (Anthropic thinking) or encrypted content; only valid for `origin`. */
  readonly signature?: string;
}

export interface ToolCallPart {
  readonly type: "tool-call";
  readonly toolCallId: string;
  readonly toolName: string;
  /** The parsed JSON arguments. */
  readonly input: unknown;
  /** Provider signature bound to this call (Gemini thought signature); only valid for `origin`. */
  readonly signature?: string;
}

export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;

export type ConversationMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string }
  | {
      readonly role: "assistant";
      readonly content: readonly AssistantPart[];
      readonly origin?: ContentOrigin;
    }
  | {
      readonly role: "tool";
      readonly toolCallId: string;
      readonly toolName: string;
      readonly output: string;
      readonly isError?: boolean;
    };

/** A tool the model may call, described by a JSON Schema for its input. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}
