// Tools a turn may call: a name, a zod schema for the input, and an `execute` function. The
// runner executes each tool call at most once per turn, even across failover and rebase.
import { z } from "zod";
import type { ToolDefinition } from "../providers/conversation.ts";

export interface ToolContext {
  readonly toolCallId: string;
  readonly signal: AbortSignal;
}

export interface Tool {
  readonly name: string;
  readonly description?: string;
  readonly input: z.ZodType;
  /** Returns the tool's output: a string, or a JSON value that is serialised. */
  execute(input: unknown, context: ToolContext): Promise<unknown>;
}

/**
 * Declares a tool with a typed input.
 * @example
 * const weather = defineTool({
 *   name: "weather",
 *   input: z.object({ city: z.string() }),
 *   execute: async ({ city }) => `18C in ${city}`,
 * });
 */
export function defineTool<Schema extends z.ZodType>(tool: {
  name: string;
  description?: string;
  input: Schema;
  execute: (input: z.infer<Schema>, context: ToolContext) => Promise<unknown>;
}): Tool {
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input: tool.input,
    execute: (input, context) => tool.execute(input as z.infer<Schema>, context),
  };
}

/** What the model is told about the tools (JSON Schema of each input). */
export function toolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    inputSchema: z.toJSONSchema(tool.input, { target: "draft-7" }) as Record<string, unknown>,
  }));
}

export interface ToolOutcome {
  readonly output: string;
  readonly isError: boolean;
}

/** Runs one tool call: validates the input, executes, and turns any failure into an error result for the model. */
export async function executeToolCall(
  tools: readonly Tool[],
  call: { toolCallId: string; toolName: string; input: unknown },
  signal: AbortSignal,
): Promise<ToolOutcome> {
  const tool = tools.find((candidate) => candidate.name === call.toolName);
  if (tool === undefined) {
    return {
      output: `unknown tool '${call.toolName}'; available: ${tools.map((t) => t.name).join(", ")}`,
      isError: true,
    };
  }
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    return { output: `invalid arguments for ${tool.name}: ${z.prettifyError(parsed.error)}`, isError: true };
  }
  try {
    const output = await tool.execute(parsed.data, { toolCallId: call.toolCallId, signal });
    return { output: typeof output === "string" ? output : JSON.stringify(output), isError: false };
  } catch (error) {
    return {
      output: `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      isError: true,
    };
  }
}
