// The chat completions request the gateway accepts: a zod schema of OpenAI's body (plus Baton's
// `fallbacks`), and validation whose 400 names the field and what was expected. Sampling knobs
// OpenAI clients commonly send are accepted (docs/gateway.md says which are forwarded); fields
// the gateway cannot honour are refused rather than silently dropped (n > 1, logprobs, JSON
// response formats, unknown keys). Shapes only: message semantics are chat-input.ts.
import { z } from "zod";
import { reasoningEfforts } from "../providers/model-stream.ts";
import { invalidRequest } from "./gateway-error.ts";

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(contentPart)]);

const toolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.strictObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: content.nullish(),
  name: z.string().nullish(),
  tool_calls: z.array(toolCall).nullish(),
  tool_call_id: z.string().nullish(),
  refusal: z.string().nullish(),
  /** What DeepSeek-style APIs return; accepted on replayed assistant messages and not resent. */
  reasoning_content: z.string().nullish(),
});

const tool = z.strictObject({
  type: z.literal("function"),
  function: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "expected 1-64 letters, digits, '_' or '-'"),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const number = z.number().nullish();

export const chatRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z
    .strictObject({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
    .nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().nullish(),
  /** Baton: `provider/model` or `baton/<chain>` references tried after `model`. */
  fallbacks: z.array(z.string().min(1)).max(32).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.literal(1).nullish(),
  logprobs: z.literal(false).nullish(),
  response_format: z.strictObject({ type: z.literal("text") }).nullish(),
  temperature: number,
  top_p: number,
  presence_penalty: number,
  frequency_penalty: number,
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  reasoning_effort: z.enum(reasoningEfforts).nullish(),
  service_tier: z.string().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];

/** `messages[2].content`, from a zod path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

interface Problem {
  readonly param: string;
  readonly message: string;
}

function describe(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): Problem {
  const path = [...base, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    const param = fieldPath([...path, issue.keys[0] ?? ""]);
    return { param, message: `${param}: unknown field (see docs/gateway.md for the fields accepted)` };
  }
  if (issue.code === "invalid_union") {
    // Prefer the branch that got furthest (an array whose part is wrong) over "expected string".
    const deeper = issue.errors.flat().find((inner) => inner.path.length > 0);
    if (deeper !== undefined) return describe(deeper, path);
    const expected = issue.errors
      .flat()
      .map((inner) => (inner.code === "invalid_type" ? inner.expected : undefined))
      .filter((name) => name !== undefined);
    const param = fieldPath(path);
    return { param, message: `${param}: expected ${[...new Set(expected)].join(" or ")}` };
  }
  const param = fieldPath(path);
  const text = issue.message.replace(/, received undefined$/, " (missing)");
  return { param, message: `${param || "body"}: ${text}` };
}

/**
 * Validates a parsed JSON body; throws a 400 GatewayError naming the first wrong field.
 * @example
 * parseChatRequest({ model: "baton/default", messages: [{ role: "user", content: "hi" }] });
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("the request body must be a JSON object with `model` and `messages`");
  }
  const parsed = chatRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => describe(issue, []));
  const first = problems[0] as Problem;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more: ${problems
          .slice(1, 4)
          .map((problem) => problem.message)
          .join("; ")})`
      : "";
  throw invalidRequest(`${first.message}${more}`, first.param || null);
}
