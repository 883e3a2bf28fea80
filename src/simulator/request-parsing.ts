// Reads a generation request body in any of the four wire protocols into the few facts the
// simulator's replies and faults depend on: model, streaming, offered tools, the last user
// text, whether a tool result follows it, whether it ends on an assistant prefill, whether
// thinking is asked for, the prompt size and the sampling settings. Pure; rejects what the
// provider would reject for being unreadable, with the provider's wording where known. Whether
// the conversation itself is one the provider accepts is request-validation.ts's business.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import type { SamplingSeen } from "./request-log.ts";

export interface ParsedRequest {
  readonly model: string;
  readonly stream: boolean;
  /** OpenAI Chat `stream_options.include_usage`. */
  readonly includeUsage: boolean;
  readonly toolNames: readonly string[];
  /** Text of the last user turn (a user message with text, not only tool results). */
  readonly lastUserText: string;
  readonly toolResultAfterLastUser: boolean;
  /** The conversation ends with an assistant message that is not a tool call. */
  readonly endsWithAssistant: boolean;
  /** Anthropic `thinking: {type: "enabled" | "adaptive"}`; Gemini `thinkingConfig` not off. */
  readonly thinkingRequested: boolean;
  /** Gemini thinks without showing it unless `thinkingConfig.includeThoughts` is set. */
  readonly thoughtsHidden?: boolean;
  /** Characters of text in the system prompt, every message and every tool result. */
  readonly promptChars: number;
  readonly maxOutputTokens?: number;
  readonly sampling?: SamplingSeen;
  /** OpenAI's reasoning effort as sent. */
  readonly reasoningEffort?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly request: ParsedRequest }
  | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const positiveInt = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;

/** The sampling settings among `fields` that are set, or nothing when none is. */
function samplingSeen(fields: { temperature: unknown; topP: unknown; seed: unknown; stop: unknown }): {
  sampling?: SamplingSeen;
} {
  const sampling: SamplingSeen = {};
  if (typeof fields.temperature === "number") sampling.temperature = fields.temperature;
  if (typeof fields.topP === "number") sampling.topP = fields.topP;
  if (typeof fields.seed === "number") sampling.seed = fields.seed;
  if (typeof fields.stop === "string") sampling.stop = [fields.stop];
  else if (Array.isArray(fields.stop)) sampling.stop = fields.stop.filter((item) => typeof item === "string");
  return Object.keys(sampling).length === 0 ? {} : { sampling };
}

/** Text of a content value: a string, or the text parts of a block list. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return list(content)
    .map((part) => (isObject(part) && typeof part.text === "string" ? part.text : ""))
    .join("");
}

interface Turn {
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly text: string;
  /** A user turn made only of tool results does not count as the user speaking. */
  readonly isToolResult?: boolean;
  readonly isToolCall?: boolean;
}

function summarize(
  turns: readonly Turn[],
): Pick<ParsedRequest, "lastUserText" | "toolResultAfterLastUser" | "endsWithAssistant" | "promptChars"> {
  let lastUser = -1;
  turns.forEach((turn, index) => {
    if (turn.role === "user" && turn.isToolResult !== true) lastUser = index;
  });
  const last = turns.at(-1);
  return {
    lastUserText: lastUser >= 0 ? (turns[lastUser]?.text ?? "") : "",
    toolResultAfterLastUser: turns
      .slice(lastUser + 1)
      .some((turn) => turn.role === "tool" || turn.isToolResult === true),
    endsWithAssistant: last?.role === "assistant" && last.isToolCall !== true,
    promptChars: turns.reduce((sum, turn) => sum + turn.text.length, 0),
  };
}

function parseOpenAiChat(body: Json): ParseResult {
  if (typeof body.model !== "string" || body.model === "")
    return { ok: false, message: "you must provide a model parameter" };
  if (!Array.isArray(body.messages)) return { ok: false, message: "Missing required parameter: 'messages'." };
  const turns: Turn[] = body.messages.filter(isObject).map((message) => {
    const role = message.role;
    const text = textOf(message.content);
    if (role === "system" || role === "developer") return { role: "system", text };
    if (role === "assistant")
      return { role: "assistant", text, isToolCall: list(message.tool_calls).length > 0 };
    if (role === "tool" || role === "function") return { role: "tool", text };
    return { role: "user", text };
  });
  const tools = list(body.tools)
    .map((tool) => (isObject(tool) && isObject(tool.function) ? tool.function.name : undefined))
    .concat(list(body.functions).map((fn) => (isObject(fn) ? fn.name : undefined)))
    .filter((name): name is string => typeof name === "string");
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  const maxOutputTokens = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      includeUsage: body.stream === true && streamOptions.include_usage === true,
      toolNames: tools,
      thinkingRequested: false,
      ...summarize(turns),
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...samplingSeen({ temperature: body.temperature, topP: body.top_p, seed: body.seed, stop: body.stop }),
      ...(typeof body.reasoning_effort === "string" ? { reasoningEffort: body.reasoning_effort } : {}),
    },
  };
}

function parseOpenAiResponses(body: Json): ParseResult {
  if (typeof body.model !== "string" || body.model === "")
    return { ok: false, message: "Missing required parameter: 'model'." };
  const turns: Turn[] = [];
  if (typeof body.instructions === "string") turns.push({ role: "system", text: body.instructions });
  if (typeof body.input === "string") turns.push({ role: "user", text: body.input });
  else if (Array.isArray(body.input)) {
    for (const item of body.input.filter(isObject)) {
      const type = item.type ?? "message";
      if (type === "function_call_output") turns.push({ role: "tool", text: textOf(item.output) });
      else if (type === "function_call") turns.push({ role: "assistant", text: "", isToolCall: true });
      else if (type === "message") {
        const role = item.role === "assistant" ? "assistant" : item.role === "user" ? "user" : "system";
        turns.push({ role, text: textOf(item.content) });
      }
    }
  } else return { ok: false, message: "Missing required parameter: 'input'." };
  const tools = list(body.tools)
    .map((tool) => (isObject(tool) && tool.type === "function" ? tool.name : undefined))
    .filter((name): name is string => typeof name === "string");
  const maxOutputTokens = positiveInt(body.max_output_tokens);
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      includeUsage: false,
      toolNames: tools,
      thinkingRequested: false,
      ...summarize(turns),
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...samplingSeen({ temperature: body.temperature, topP: body.top_p, seed: undefined, stop: undefined }),
      ...(isObject(body.reasoning) && typeof body.reasoning.effort === "string"
        ? { reasoningEffort: body.reasoning.effort }
        : {}),
    },
  };
}

function parseAnthropic(body: Json): ParseResult {
  if (typeof body.model !== "string" || body.model === "")
    return { ok: false, message: "model: Field required" };
  if (!Array.isArray(body.messages)) return { ok: false, message: "messages: Field required" };
  const maxOutputTokens = positiveInt(body.max_tokens);
  if (maxOutputTokens === undefined) return { ok: false, message: "max_tokens: Field required" };
  const turns: Turn[] = [{ role: "system", text: textOf(body.system) }];
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    const blocks =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : list(message.content);
    let text = "";
    let hasText = false;
    let hasToolResult = false;
    let hasToolUse = false;
    for (const block of blocks) {
      if (!isObject(block)) continue;
      if (block.type === "text" && typeof block.text === "string") {
        text += block.text;
        hasText = true;
      } else if (block.type === "tool_result") {
        text += textOf(block.content);
        hasToolResult = true;
      } else if (block.type === "tool_use") hasToolUse = true;
    }
    if (message.role === "assistant") turns.push({ role: "assistant", text, isToolCall: hasToolUse });
    else turns.push({ role: "user", text, isToolResult: hasToolResult && !hasText });
  }
  const tools = list(body.tools)
    .map((tool) => (isObject(tool) ? tool.name : undefined))
    .filter((name): name is string => typeof name === "string");
  const thinking = isObject(body.thinking) ? body.thinking.type : undefined;
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      includeUsage: false,
      toolNames: tools,
      thinkingRequested: thinking === "enabled" || thinking === "adaptive",
      ...summarize(turns),
      maxOutputTokens,
      ...samplingSeen({
        temperature: body.temperature,
        topP: body.top_p,
        seed: undefined,
        stop: body.stop_sequences,
      }),
    },
  };
}

function parseGemini(body: Json, pathModel: string, pathStream: boolean): ParseResult {
  if (!Array.isArray(body.contents)) {
    return { ok: false, message: "* GenerateContentRequest.contents: contents is not specified" };
  }
  const turns: Turn[] = [];
  if (isObject(body.systemInstruction))
    turns.push({ role: "system", text: textOf(body.systemInstruction.parts) });
  for (const content of body.contents.filter(isObject)) {
    const parts = list(content.parts).filter(isObject);
    const text = parts.map((part) => (typeof part.text === "string" ? part.text : "")).join("");
    const hasText = parts.some((part) => typeof part.text === "string");
    const results = parts.filter((part) => isObject(part.functionResponse));
    const resultText = results
      .map((part) => JSON.stringify((part.functionResponse as Json).response ?? {}))
      .join("");
    if (content.role === "model") {
      turns.push({ role: "assistant", text, isToolCall: parts.some((part) => isObject(part.functionCall)) });
    } else
      turns.push({ role: "user", text: text + resultText, isToolResult: results.length > 0 && !hasText });
  }
  const tools = list(body.tools)
    .flatMap((tool) => (isObject(tool) ? list(tool.functionDeclarations) : []))
    .map((declaration) => (isObject(declaration) ? declaration.name : undefined))
    .filter((name): name is string => typeof name === "string");
  const generation = isObject(body.generationConfig) ? body.generationConfig : {};
  const maxOutputTokens = positiveInt(generation.maxOutputTokens);
  // Thinking is on with any thinkingConfig but a zero budget; thoughts show only when asked.
  const thinkingConfig = isObject(generation.thinkingConfig) ? generation.thinkingConfig : undefined;
  const thinkingRequested = thinkingConfig !== undefined && thinkingConfig.thinkingBudget !== 0;
  return {
    ok: true,
    request: {
      model: pathModel,
      stream: pathStream,
      includeUsage: false,
      toolNames: tools,
      thinkingRequested,
      ...(thinkingRequested ? { thoughtsHidden: thinkingConfig?.includeThoughts !== true } : {}),
      ...summarize(turns),
      ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
      ...samplingSeen({
        temperature: generation.temperature,
        topP: generation.topP,
        seed: generation.seed,
        stop: generation.stopSequences,
      }),
    },
  };
}

/** Parses a JSON body already decoded. Gemini takes the model and streaming from the path. */
export function parseRequest(
  api: WireProtocol,
  body: unknown,
  path: { readonly model?: string; readonly stream?: boolean } = {},
): ParseResult {
  if (!isObject(body)) return { ok: false, message: "The request body must be a JSON object." };
  switch (api) {
    case "openai-chat":
      return parseOpenAiChat(body);
    case "openai-responses":
      return parseOpenAiResponses(body);
    case "anthropic-messages":
      return parseAnthropic(body);
    case "google-gemini":
      return parseGemini(body, path.model ?? "", path.stream === true);
  }
}
