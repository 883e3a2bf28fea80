// Refuses the conversations real providers refuse, so a client that converts a transcript
// wrongly fails here as it would in production: tool results that answer no tool call, tool
// calls left unanswered, tool-call ids of the wrong shape, replayed thinking whose signature
// the simulator did not issue, and Anthropic's first message not being the user's. Each rule
// words its refusal as the provider does (the source is beside it) and names the catalogue
// entry whose body carries that wording. Pure.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import { functionCallSignature, geminiSkipSignatures, thinkingSignature } from "./reply-plan.ts";

/** Why a request is refused, and how to say so. */
export interface Rejection {
  /** Short kebab-case reason; the log records `rejected:<reason>`. */
  readonly reason: string;
  /** The catalogue entry that carries the message. */
  readonly error: string;
  /** The provider's message, verbatim in shape. */
  readonly message: string;
  /** OpenAI's `param` (`messages.[3].role`, `input`). */
  readonly param?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === "string" ? value : "");

// ---------------------------------------------------------------- Anthropic Messages

interface AnthropicBlock {
  readonly path: string;
  readonly block: Json;
}

/** Consecutive messages of one role, merged as Anthropic merges them. */
interface AnthropicTurn {
  readonly role: string;
  /** Index of the turn's first message. */
  readonly first: number;
  readonly blocks: AnthropicBlock[];
}

function anthropicTurns(messages: readonly unknown[]): AnthropicTurn[] {
  const turns: AnthropicTurn[] = [];
  messages.forEach((message, index) => {
    if (!isObject(message)) return;
    const role = text(message.role);
    const blocks = list(message.content).flatMap((block, blockIndex) =>
      isObject(block) ? [{ path: `messages.${index}.content.${blockIndex}`, block }] : [],
    );
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, first: index, blocks });
  });
  return turns;
}

const anthropicInvalid = (reason: string, message: string): Rejection => ({
  reason,
  error: "anthropic.invalid_request_error",
  message,
});

function validateAnthropic(body: Json): Rejection | undefined {
  const messages = list(body.messages);
  const turns = anthropicTurns(messages);
  for (const turn of turns) {
    for (const { path, block } of turn.blocks) {
      // Schema check on every tool_use id: CommandCodeAI/command-code#323, BlockRunAI/ClawRouter#17.
      if (block.type === "tool_use" && !/^[a-zA-Z0-9_-]+$/.test(text(block.id))) {
        return anthropicInvalid(
          "invalid-tool-use-id",
          `${path}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`,
        );
      }
    }
  }
  // lobehub/lobehub#1601, tonyljx/TextWordExplain#2 (anthropic-sdk-typescript#622 reports the
  // first-party API later accepting an assistant-first conversation while Bedrock refuses it).
  if (turns[0] !== undefined && turns[0].role !== "user") {
    return anthropicInvalid("first-message-not-user", 'messages: first message must use the "user" role');
  }
  for (const [index, turn] of turns.entries()) {
    const previous = turns[index - 1];
    const offered = new Set(
      previous?.role === "assistant"
        ? previous.blocks.filter(({ block }) => block.type === "tool_use").map(({ block }) => text(block.id))
        : [],
    );
    if (turn.role === "user") {
      // Body verbatim in anthropics/claude-code#13460, router-for-me/CLIProxyAPI#497.
      const stray = turn.blocks.find(
        ({ block }) => block.type === "tool_result" && !offered.has(text(block.tool_use_id)),
      );
      if (stray !== undefined) {
        return anthropicInvalid(
          "tool-result-without-tool-use",
          `${stray.path}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${text(stray.block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
    const next = turns[index + 1];
    if (turn.role === "assistant" && next !== undefined) {
      // Body verbatim in anthropics/claude-code#5060 and #7929.
      const answered = new Set(
        next.blocks
          .filter(({ block }) => block.type === "tool_result")
          .map(({ block }) => text(block.tool_use_id)),
      );
      const unanswered = turn.blocks.filter(
        ({ block }) => block.type === "tool_use" && !answered.has(text(block.id)),
      );
      if (unanswered.length > 0) {
        const at = (unanswered[0] as AnthropicBlock).path.split(".content.")[0] ?? `messages.${turn.first}`;
        return anthropicInvalid(
          "tool-use-without-tool-result",
          `${at}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.map(({ block }) => text(block.id)).join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
  }
  for (const turn of turns) {
    if (turn.role !== "assistant") continue;
    // anthropics/claude-code#10627: a thinking block whose signature this provider did not issue.
    const forged = turn.blocks.find(
      ({ block }) =>
        block.type === "thinking" && text(block.signature) !== thinkingSignature(text(block.thinking)),
    );
    if (forged !== undefined) {
      return {
        reason: "invalid-thinking-signature",
        error: "anthropic.invalid_thinking_signature",
        message: `${forged.path}: Invalid \`signature\` in \`thinking\` block`,
      };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- OpenAI Chat Completions

const openAiInvalid = (reason: string, message: string, param: string): Rejection => ({
  reason,
  error: "openai.invalid_request",
  message,
  param,
});

function toolCallIds(message: Json): string[] {
  return list(message.tool_calls).map((call) => (isObject(call) ? text(call.id) : ""));
}

function validateOpenAiChat(body: Json, provider: string): Rejection | undefined {
  const messages = list(body.messages);
  if (provider === "mistral") {
    // Mistral's shape rule, wording from langchain-ai/langchain#24668 and jackmpcollins/magentic#276
    // (Mistral sends it as a bare {object: "error", message, type, ...}; served in OpenAI's envelope).
    for (const message of messages.filter(isObject)) {
      const ids = message.role === "tool" ? [text(message.tool_call_id)] : toolCallIds(message);
      const bad = ids.find((id) => !/^[a-zA-Z0-9]{9}$/.test(id));
      if (bad !== undefined) {
        return {
          reason: "mistral-tool-call-id",
          error: "openai.invalid_request",
          message: `Tool call id was ${bad} but must be a-z, A-Z, 0-9, with a length of 9.`,
        };
      }
    }
  }
  // Bodies verbatim in sdcb/chats#132 and smarter-sh/smarter#264 (OpenAI's spelling "preceeding").
  const unanswered = (pending: ReadonlySet<string>, at: number): Rejection =>
    openAiInvalid(
      "tool-call-without-result",
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`,
      `messages.[${at}].role`,
    );
  let answerable = new Set<string>();
  const pending = new Set<string>();
  let callsAt = -1;
  for (const [index, message] of messages.entries()) {
    if (!isObject(message)) continue;
    if (message.role === "function") continue; // the legacy function-calling form is not checked
    if (message.role === "tool") {
      const id = text(message.tool_call_id);
      if (!answerable.has(id)) {
        return openAiInvalid(
          "tool-message-without-tool-call",
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      pending.delete(id);
      continue;
    }
    if (pending.size > 0) return unanswered(pending, callsAt);
    const ids = message.role === "assistant" ? toolCallIds(message) : [];
    answerable = new Set(ids);
    for (const id of ids) pending.add(id);
    if (ids.length > 0) callsAt = index;
  }
  return undefined;
}

// ---------------------------------------------------------------- OpenAI Responses

function validateOpenAiResponses(body: Json): Rejection | undefined {
  const items = list(body.input).filter(isObject);
  const called = new Set<string>();
  const pending = new Set<string>();
  for (const item of items) {
    const type = item.type ?? "message";
    if (type === "function_call") {
      called.add(text(item.call_id));
      pending.add(text(item.call_id));
    } else if (type === "function_call_output") {
      // Body verbatim in continuedev/continue#10092 (param "input", code null).
      if (!called.has(text(item.call_id))) {
        return openAiInvalid(
          "function-call-output-without-call",
          `No tool call found for function call output with call_id ${text(item.call_id)}.`,
          "input",
        );
      }
      pending.delete(text(item.call_id));
    } else if (type === "message" && pending.size > 0) {
      // Body verbatim in tjardoo/openai-client#124.
      return openAiInvalid(
        "function-call-without-output",
        `No tool output found for function call ${[...pending][0]}.`,
        "input",
      );
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- Google Gemini

const geminiInvalid = (reason: string, message: string): Rejection => ({
  reason,
  error: "gemini.invalid_argument",
  message,
});

function validateGemini(body: Json): Rejection | undefined {
  const contents = list(body.contents).filter(isObject);
  const partsOf = (content: Json | undefined): Json[] => list(content?.parts).filter(isObject);
  const calls = (content: Json | undefined): string[] =>
    content?.role === "model"
      ? partsOf(content).flatMap((part) =>
          isObject(part.functionCall) ? [text(part.functionCall.name)] : [],
        )
      : [];
  for (const [index, content] of contents.entries()) {
    const previous = contents[index - 1];
    const parts = partsOf(content);
    if (content.role === "model") {
      // google-gemini/gemini-cli#11814 and #26486.
      if (calls(content).length > 0 && (previous === undefined || previous.role === "model")) {
        return geminiInvalid(
          "function-call-not-after-user",
          "Please ensure that function call turn comes immediately after a user turn or after a function response turn.",
        );
      }
      // google-gemini/gemini-cli#13467: a signature Gemini did not issue. Gemini's documented
      // stand-ins for history from elsewhere are accepted (ai.google.dev/gemini-api/docs/thought-signatures).
      const forged = parts.find((part) => {
        if (part.thoughtSignature === undefined) return false;
        const signature = text(part.thoughtSignature);
        if (geminiSkipSignatures.includes(signature)) return false;
        return !(
          isObject(part.functionCall) && signature === functionCallSignature(text(part.functionCall.name))
        );
      });
      if (forged !== undefined)
        return geminiInvalid("corrupted-thought-signature", "Corrupted thought signature.");
      continue;
    }
    const responses = parts.flatMap((part) =>
      isObject(part.functionResponse) ? [text(part.functionResponse.name)] : [],
    );
    if (responses.length === 0) continue;
    const offered = calls(previous);
    // langchain-ai/langchain#27799.
    if (offered.length === 0) {
      return geminiInvalid(
        "function-response-without-call",
        "Please ensure that function response turn comes immediately after a function call turn.",
      );
    }
    // google-gemini/gemini-cli#4504, #2321 (Gemini reports unpaired names with the same message).
    const sorted = (names: string[]): string => JSON.stringify([...names].sort());
    if (sorted(responses) !== sorted(offered)) {
      return geminiInvalid(
        "function-response-mismatch",
        "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
      );
    }
  }
  return undefined;
}

/**
 * Checks a parsed-JSON generation body the way the provider behind `api` would before
 * answering; undefined when it would accept it. `provider` is the route's provider name
 * (`mistral` adds Mistral's tool-call id rule to OpenAI Chat).
 */
export function validateRequest(
  api: WireProtocol,
  body: unknown,
  provider = "default",
): Rejection | undefined {
  if (!isObject(body)) return undefined;
  switch (api) {
    case "anthropic-messages":
      return validateAnthropic(body);
    case "openai-chat":
      return validateOpenAiChat(body, provider);
    case "openai-responses":
      return validateOpenAiResponses(body);
    case "google-gemini":
      return validateGemini(body);
  }
}
