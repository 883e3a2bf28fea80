// The raw facts of one failed provider attempt, as an adapter observed them. Adapters fill
// this in and decide nothing; the classifier (src/failover/classify.ts) turns it into a
// reason and a scope. Nothing here may hold a secret: headers are copied without
// authorization headers and bodies never contain the request.
import type { WireProtocol } from "./wire-protocol.ts";

/** Which per-attempt timer fired, if one did. */
export type TimerName = "connect" | "first-token" | "idle" | "deadline";

/** What went wrong with a stream that had started, if that is what happened. */
export type StreamProblem =
  /** The connection ended with no finish event / terminal chunk. */
  | "truncated"
  /** Events could not be parsed (more than the tolerated single bad event). */
  | "malformed"
  /** The provider sent an error event inside the stream. */
  | "error-event";

/** The parsed error body, in the fields providers actually use. */
export interface ProviderErrorBody {
  /** OpenAI `error.type`, Anthropic `error.type`. */
  readonly type?: string;
  /** OpenAI `error.code`; Gemini numeric `error.code` as a string. */
  readonly code?: string;
  /** Gemini / gRPC-style `error.status` (e.g. RESOURCE_EXHAUSTED). */
  readonly status?: string;
  readonly message?: string;
  /** Gemini `error.details` and anything else structured, kept for retry-hint parsing. */
  readonly details?: unknown;
  /** Reset time given in the body (e.g. `resets_at`, `reset_at`), as the provider sent it. */
  readonly resetsAt?: string | number;
}

export interface ProviderFailure {
  readonly provider: string;
  readonly api: WireProtocol;
  readonly model: string;
  readonly credentialId: string;
  /** HTTP status, when a response (or an in-stream error with a status) arrived. */
  readonly status?: number;
  /** Response headers, lower-cased names. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: ProviderErrorBody;
  /** Transport error code: ECONNRESET, ECONNREFUSED, ETIMEDOUT, ENOTFOUND, UND_ERR_SOCKET... */
  readonly transportCode?: string;
  readonly timer?: TimerName;
  readonly streamProblem?: StreamProblem;
  /** True when any output of this attempt had already been delivered to the caller. */
  readonly outputReachedCaller: boolean;
  /** True when the caller's abort signal ended the attempt. */
  readonly aborted?: boolean;
  /** A human-readable summary of what happened, free of secrets. */
  readonly message: string;
}
