// The scenario format: what the simulator answers and which faults it injects, as a zod
// schema with the TypeScript types inferred from it. `parseScenario` turns zod issues into one
// error that names the source, the field path and what was expected. Pure: no file access
// (scenario-file.ts reads files).
import { z } from "zod";
import { wireProtocols } from "../providers/wire-protocol.ts";
import { errorNames } from "./error-catalogue.ts";

const nonNegativeMs = z.number().int().min(0);
const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const wireProtocol = z.enum(wireProtocols);
const errorName = z.enum(errorNames as [string, ...string[]]);

/** How a model answers. Every field is optional; unset fields fall back to the scenario's `reply`. */
export const replySchema = z.strictObject({
  /** Fixed answer text. Defaults to the canonical reply. */
  text: z.string().optional(),
  /** Repeat the last user message instead of `text`. */
  echo: z.boolean().optional(),
  /** Delay before each streamed token after the first. */
  tokenDelayMs: nonNegativeMs.optional(),
  /** Delay before the first streamed token (or before a non-streamed answer). */
  firstTokenDelayMs: nonNegativeMs.optional(),
  /** The tool call made when the request offers tools; `false` never calls tools. */
  toolCall: z
    .union([
      z.literal(false),
      z.strictObject({
        name: z.string().min(1).optional(),
        arguments: z.record(z.string(), z.unknown()).optional(),
      }),
    ])
    .optional(),
  /** Text of the Anthropic thinking block (or Gemini thought summary) when the request enables thinking. */
  thinkingText: z.string().optional(),
  /** Context window in tokens (ceil(prompt chars / 4)); longer prompts get the provider's overflow error. */
  contextTokens: z.number().int().min(1).optional(),
});

const callsSchema = z
  .strictObject({ from: z.number().int().min(1).optional(), to: z.number().int().min(1).optional() })
  .refine((calls) => calls.from === undefined || calls.to === undefined || calls.from <= calls.to, {
    message: "expected from <= to",
  });

const windowSchema = z
  .strictObject({ fromMs: nonNegativeMs.optional(), untilMs: nonNegativeMs.optional() })
  .refine(
    (window) => window.fromMs === undefined || window.untilMs === undefined || window.fromMs < window.untilMs,
    {
      message: "expected fromMs < untilMs",
    },
  );

/** Which requests a fault applies to. Every condition given must hold; none given matches all. */
export const matchSchema = z.strictObject({
  /** First path segment: `/openai/v1/...` is provider "openai". */
  provider: oneOrMore.optional(),
  api: z.union([wireProtocol, z.array(wireProtocol).min(1)]).optional(),
  model: oneOrMore.optional(),
  /** The literal API key (it is never logged; the log holds a hash). */
  apiKey: oneOrMore.optional(),
  stream: z.boolean().optional(),
  /** 1-based call number per provider+model, inclusive bounds. */
  calls: callsSchema.optional(),
  /** Milliseconds since the simulator started (or was reset): fromMs <= t < untilMs. */
  window: windowSchema.optional(),
});

const connection = z.enum(["end", "close", "reset"]);

export const faultSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("http-error"),
    error: errorName,
    /** When the limit lifts; defaults to the end of the match window, else the entry's default. */
    resetInMs: nonNegativeMs.optional(),
  }),
  z.strictObject({ kind: z.literal("reset-before-headers") }),
  z.strictObject({ kind: z.literal("never-answer") }),
  z.strictObject({ kind: z.literal("slow-first-token"), delayMs: nonNegativeMs }),
  z.strictObject({ kind: z.literal("stall-after"), tokens: z.number().int().min(0) }),
  z.strictObject({
    kind: z.literal("cut-after"),
    tokens: z.number().int().min(0),
    /** "end" (default): the HTTP response ends cleanly with no terminator; "close": the socket closes mid-body; "reset": TCP reset. */
    connection: connection.optional(),
  }),
  z.strictObject({ kind: z.literal("malformed-event"), at: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal("missing-terminator") }),
  z.strictObject({
    kind: z.literal("stream-error"),
    afterTokens: z.number().int().min(0),
    error: errorName,
    /** Responses API only: which events carry the error. */
    responsesEvent: z.enum(["error", "response.failed", "both"]).optional(),
    resetInMs: nonNegativeMs.optional(),
  }),
  z.strictObject({
    kind: z.literal("reject-prefill"),
    /** Defaults to the route family's `prefill_unsupported` entry. */
    error: errorName.optional(),
  }),
]);

export const faultRuleSchema = z.strictObject({
  /** Shown in logs and the CLI; free text. */
  name: z.string().optional(),
  match: matchSchema.optional(),
  fault: faultSchema,
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  /** Documentation for `baton simulate`: which providers the scenario expects and their protocol. */
  providers: z
    .record(z.string().min(1), z.strictObject({ api: wireProtocol, description: z.string().optional() }))
    .optional(),
  /** Default reply for every model. */
  reply: replySchema.optional(),
  /** Per-model overrides, keyed "model" or "provider/model" (the latter wins). */
  models: z.record(z.string().min(1), replySchema).optional(),
  /** Answer 401/403 when a request carries no API key (default true, as real providers do). */
  requireApiKey: z.boolean().optional(),
  /** Tried in order; the first rule whose match holds is applied. */
  faults: z.array(faultRuleSchema).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ReplyConfig = z.infer<typeof replySchema>;
export type FaultMatch = z.infer<typeof matchSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** A scenario that failed validation: names the source, each field and what was expected. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly source: string;
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`invalid scenario ${source}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.source = source;
    this.problems = problems;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "(top level)" : text;
}

/** Validates a parsed JSON value. `source` names where it came from (a file path, "inline"). */
export function parseScenario(value: unknown, source = "inline scenario"): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((key) => `"${key}"`).join(", ") : "";
    const where =
      issue.code === "unrecognized_keys"
        ? `${fieldPath(issue.path)}: unknown field ${keys}`
        : fieldPath(issue.path);
    const message =
      issue.code === "unrecognized_keys" ? "expected only the documented fields" : issue.message;
    return `${where}: ${message}`;
  });
  throw new ScenarioError(source, problems);
}
