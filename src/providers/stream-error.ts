// Sorts an error part found inside an AI SDK stream: a bad event (JSON that does not parse
// or validate), a stream that ended without a finish reason, or an error the provider sent.
import { InvalidResponseDataError, JSONParseError, TypeValidationError } from "@ai-sdk/provider";
import { isProviderStreamError } from "@ai-sdk/provider-utils";
import { errorBodyFromJson } from "./error-body.ts";
import type { ProviderErrorBody } from "./provider-failure.ts";

export type StreamErrorKind =
  | { readonly kind: "malformed-event"; readonly message: string }
  | { readonly kind: "ended-without-finish" }
  | {
      readonly kind: "provider-error";
      readonly body: ProviderErrorBody | undefined;
      readonly message: string;
    };

export function sortStreamError(error: unknown): StreamErrorKind {
  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error)) {
    return { kind: "malformed-event", message: error.message.split("\n", 1)[0] ?? "malformed event" };
  }
  if (InvalidResponseDataError.isInstance(error) && /without a finish reason/i.test(error.message)) {
    return { kind: "ended-without-finish" };
  }
  if (isProviderStreamError(error)) {
    const body = errorBodyFromJson(error.data) ?? {
      message: error.message,
      ...(error.type ? { type: error.type } : {}),
    };
    return { kind: "provider-error", body, message: error.message };
  }
  if (error instanceof Error)
    return { kind: "provider-error", body: { message: error.message }, message: error.message };
  const body = errorBodyFromJson(error);
  return { kind: "provider-error", body, message: body?.message ?? "error event in stream" };
}
