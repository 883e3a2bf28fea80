// What the simulated model says, as a deterministic function of the request and the
// scenario: the canonical text (or an echo of the last user message), a tool call when tools
// are offered and no tool result follows the last user message, thinking with a signature when
// it is requested (an Anthropic thinking block; Gemini thought parts and a signed function
// call), word tokens for streaming, and usage numbers.
// Pure; wire-*.ts modules render a plan into each protocol.
import { createHash } from "node:crypto";
import type { ParsedRequest } from "./request-parsing.ts";
import type { ReplyConfig, Scenario } from "./scenario-schema.ts";

/** The default answer. Tests compare streamed and non-streamed answers to it byte for byte. */
export const canonicalReplyText =
  "Baton simulator reply: the quick brown fox jumps over the lazy dog, and every word of this answer arrived in order.";

/** The default thinking text of an Anthropic thinking block. */
export const canonicalThinkingText = "The user asked for an answer; the simulator gives its canonical reply.";

/** The reply settings in force for one request, every field resolved. */
export interface ResolvedReply {
  readonly text: string;
  readonly echo: boolean;
  readonly tokenDelayMs: number;
  readonly firstTokenDelayMs: number;
  readonly toolCall:
    | false
    | { readonly name?: string; readonly arguments: Readonly<Record<string, unknown>> };
  readonly thinkingText: string;
  readonly contextTokens?: number;
}

export interface PlannedToolCall {
  /** A stable hex seed; wire formats prefix it (`call_`, `toolu_`). */
  readonly idSeed: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly argumentsJson: string;
  /** `argumentsJson` split into the pieces a stream sends. */
  readonly argumentChunks: readonly string[];
}

export interface ReplyPlan {
  readonly thinking?: {
    readonly text: string;
    /** Empty when the thinking is hidden (Gemini without `includeThoughts`). */
    readonly tokens: readonly string[];
    readonly signature: string;
    readonly hidden: boolean;
  };
  /** Empty when the reply is a tool call. */
  readonly text: string;
  readonly tokens: readonly string[];
  readonly toolCall?: PlannedToolCall;
  readonly finish: "stop" | "length" | "tool-calls";
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/** Splits text into word tokens, each carrying the whitespace before it; joining them gives the text back. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Deterministic stand-in for Anthropic's opaque thinking signature. */
export function thinkingSignature(thinking: string): string {
  return createHash("sha256").update(`baton-simulator-thinking\u0000${thinking}`).digest("base64");
}

/**
 * The thought signature the simulator puts on a Gemini function call it makes while thinking
 * (Gemini binds its opaque signatures to the part that carries them).
 */
export function functionCallSignature(name: string): string {
  return thinkingSignature(`gemini-function-call\u0000${name}`);
}

/** Signatures Gemini documents as accepted in place of one it issued (history from elsewhere). */
export const geminiSkipSignatures: readonly string[] = [
  "skip_thought_signature_validator",
  "context_engineering_is_the_way_to_go",
];

/** Prompt tokens as the simulator counts them. */
export function promptTokens(promptChars: number): number {
  return Math.ceil(promptChars / 4);
}

function withDefaults(config: ReplyConfig | undefined, base: ResolvedReply): ResolvedReply {
  if (config === undefined) return base;
  const toolCall =
    config.toolCall === undefined
      ? base.toolCall
      : config.toolCall === false
        ? false
        : {
            ...(config.toolCall.name === undefined ? {} : { name: config.toolCall.name }),
            arguments: config.toolCall.arguments ?? {},
          };
  const contextTokens = config.contextTokens ?? base.contextTokens;
  return {
    text: config.text ?? base.text,
    echo: config.echo ?? base.echo,
    tokenDelayMs: config.tokenDelayMs ?? base.tokenDelayMs,
    firstTokenDelayMs: config.firstTokenDelayMs ?? base.firstTokenDelayMs,
    toolCall,
    thinkingText: config.thinkingText ?? base.thinkingText,
    ...(contextTokens === undefined ? {} : { contextTokens }),
  };
}

/** Reply settings for provider/model: built-in defaults < `reply` < `models[model]` < `models["provider/model"]`. */
export function resolveReply(scenario: Scenario, provider: string, model: string): ResolvedReply {
  const builtIn: ResolvedReply = {
    text: canonicalReplyText,
    echo: false,
    tokenDelayMs: 0,
    firstTokenDelayMs: 0,
    toolCall: { arguments: {} },
    thinkingText: canonicalThinkingText,
  };
  const models = scenario.models ?? {};
  return withDefaults(
    models[`${provider}/${model}`],
    withDefaults(models[model], withDefaults(scenario.reply, builtIn)),
  );
}

function chunk(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

/** The reply to one request. */
export function planReply(request: ParsedRequest, reply: ResolvedReply): ReplyPlan {
  const inputTokens = promptTokens(request.promptChars);
  const hidden = request.thoughtsHidden === true;
  const thinking = request.thinkingRequested
    ? {
        text: reply.thinkingText,
        tokens: hidden ? [] : tokenize(reply.thinkingText),
        signature: thinkingSignature(reply.thinkingText),
        hidden,
      }
    : undefined;
  const thinkingTokens = thinking?.tokens.length ?? 0;
  const callsTool = request.toolNames.length > 0 && !request.toolResultAfterLastUser;
  if (callsTool && reply.toolCall !== false) {
    const name = reply.toolCall.name ?? (request.toolNames[0] as string);
    const argumentsJson = JSON.stringify(reply.toolCall.arguments);
    const idSeed = createHash("sha256")
      .update(`${request.model}\u0000${request.lastUserText}\u0000${name}\u0000${argumentsJson}`)
      .digest("hex")
      .slice(0, 24);
    const argumentChunks = chunk(argumentsJson, 8);
    return {
      ...(thinking === undefined ? {} : { thinking }),
      text: "",
      tokens: [],
      toolCall: { idSeed, name, arguments: reply.toolCall.arguments, argumentsJson, argumentChunks },
      finish: "tool-calls",
      usage: { inputTokens, outputTokens: thinkingTokens + argumentChunks.length + 1 },
    };
  }
  const fullTokens = tokenize(reply.echo ? request.lastUserText : reply.text);
  const limit = request.maxOutputTokens;
  const truncated = limit !== undefined && fullTokens.length > limit;
  const tokens = truncated ? fullTokens.slice(0, limit) : fullTokens;
  return {
    ...(thinking === undefined ? {} : { thinking }),
    text: tokens.join(""),
    tokens,
    finish: truncated ? "length" : "stop",
    usage: { inputTokens, outputTokens: thinkingTokens + tokens.length },
  };
}
