// Small pure readings of AI SDK parts shared by the streamed and the whole-answer attempt:
// the finish reason, a tool call's JSON arguments, a reasoning or tool-call signature, and the
// SDK's warnings about the call (a setting the model does not take and was dropped).
import type { SharedV4Warning } from "@ai-sdk/provider";
import type { FinishReason } from "./model-stream.ts";

/** One line per warning: "temperature: temperature is not supported by ... and will be ignored". */
export function describeWarnings(warnings: readonly SharedV4Warning[] | undefined): string[] {
  return (warnings ?? []).map((warning) => {
    if (warning.type === "deprecated") return `${warning.setting} (deprecated): ${warning.message}`;
    if (warning.type === "other") return warning.message;
    return warning.details === undefined
      ? `${warning.feature}: ${warning.type}`
      : `${warning.feature}: ${warning.details}`;
  });
}

const finishReasons: ReadonlySet<string> = new Set(["stop", "length", "tool-calls", "content-filter"]);

export function toFinishReason(unified: string): FinishReason {
  return finishReasons.has(unified) ? (unified as FinishReason) : "other";
}

/**
 * The finish reason of a complete stream. The OpenAI Responses SDK overwrites the reason with
 * "error" once any event fails to parse, even when the response then completed; after the one
 * skipped malformed event Baton tolerates, the reason is what the SDK would have said for a
 * response with no incomplete details: tool calls when some were made, else stop.
 */
export function finishReasonOf(
  reason: { unified: string; raw?: string | undefined },
  skippedMalformedEvent: boolean,
  sawToolCall: boolean,
): FinishReason {
  if (skippedMalformedEvent && reason.unified === "error" && reason.raw === undefined)
    return sawToolCall ? "tool-calls" : "stop";
  return toFinishReason(reason.unified);
}

export function parseToolInput(input: string): { ok: true; value: unknown } | { ok: false } {
  if (input.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(input) as unknown };
  } catch {
    return { ok: false };
  }
}

export function signatureOf(part: {
  providerMetadata?: Record<string, Record<string, unknown>>;
}): string | undefined {
  const metadata = part.providerMetadata;
  const value = metadata?.anthropic?.signature ?? metadata?.google?.thoughtSignature;
  return typeof value === "string" ? value : undefined;
}
