// Reads what went wrong with a 2xx answer body that the SDK could not turn into an answer (the
// whole-answer attempt's counterpart of a broken stream): a body that ends before its JSON does
// is truncated, a 2xx carrying an error object is an error event, anything else is malformed.
// Pure: takes the text the provider sent, decides nothing about failover.
import { errorBodyFromJson } from "./error-body.ts";
import type { ProviderErrorBody, StreamProblem } from "./provider-failure.ts";

/** True when `text` is cut short: JSON.parse stops at the end of the input. */
export function endsBeforeJsonDoes(text: string): boolean {
  const trimmed = text.trimEnd();
  if (trimmed === "") return true;
  try {
    JSON.parse(trimmed);
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (/end of JSON input/i.test(message)) return true;
    const position = /at position (\d+)/.exec(message)?.[1];
    return position !== undefined && Number(position) >= trimmed.length;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The problem with a 2xx body the SDK could not read as an answer; `text` is undefined when the
 * body itself broke while it was read (the connection ended or reset midway).
 */
export function wholeBodyProblem(text: string | undefined): {
  readonly streamProblem: StreamProblem;
  readonly body?: ProviderErrorBody;
} {
  if (text === undefined || endsBeforeJsonDoes(text)) return { streamProblem: "truncated" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { streamProblem: "malformed" };
  }
  if (isRecord(value) && ("error" in value || value.type === "error" || value.object === "error")) {
    const body = errorBodyFromJson(value);
    return body === undefined ? { streamProblem: "error-event" } : { streamProblem: "error-event", body };
  }
  return { streamProblem: "malformed" };
}
