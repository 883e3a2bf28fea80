// The gateway's errors in OpenAI's shape: `{ error: { message, type, param, code, baton? } }`
// with the HTTP status an OpenAI client expects. `baton` carries Baton's reason and scope (and
// the stop kind) inside `error`, where the official clients expose it (`APIError.error`).
// Builds bodies and responses only; which status a failed turn gets is turn-error-status.ts.

/** OpenAI's `error.type` values the gateway uses. */
export type OpenAiErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "not_found_error"
  | "conflict_error"
  | "rate_limit_error"
  | "server_error";

/** Baton's account of why a turn failed, carried in `error.baton`. */
export interface BatonErrorFacts {
  readonly reason: string;
  readonly scope: string;
  /** How the chain stopped (`exhausted`, `request`, `partial-output`...), when a turn ran. */
  readonly kind?: string;
  /** Requests sent for the turn, failed ones included. */
  readonly attempts?: number;
  /** When every candidate was cooling: the earliest recovery (ISO time). */
  readonly recoveryAt?: string;
}

export interface GatewayErrorDetails {
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly code?: string | null;
  readonly param?: string | null;
  readonly baton?: BatonErrorFacts;
  /** Extra response headers (retry-after, x-should-retry). */
  readonly headers?: Readonly<Record<string, string>>;
}

const marker = Symbol.for("baton.gateway-error");

/** An error the gateway answers with; `toResponse()` renders it. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly baton?: BatonErrorFacts;
  readonly headers: Readonly<Record<string, string>>;
  readonly [marker] = true;

  constructor(message: string, details: GatewayErrorDetails) {
    super(message);
    this.status = details.status;
    this.type = details.type;
    this.code = details.code ?? null;
    this.param = details.param ?? null;
    if (details.baton !== undefined) this.baton = details.baton;
    this.headers = details.headers ?? {};
  }

  /** The `error` object of the body (also the payload of an in-stream error event). */
  toJSON(): { error: Record<string, unknown> } {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.code,
        ...(this.baton === undefined ? {} : { baton: this.baton }),
      },
    };
  }

  toResponse(extraHeaders: Readonly<Record<string, string>> = {}): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { "content-type": "application/json", ...this.headers, ...extraHeaders },
    });
  }

  static isInstance(value: unknown): value is GatewayError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A 400 about the request: the message names the field (`param`) and what was expected. */
export function invalidRequest(
  message: string,
  param: string | null = null,
  code = "invalid_request",
): GatewayError {
  return new GatewayError(message, {
    status: 400,
    type: "invalid_request_error",
    code,
    param,
    baton: { reason: "invalid_request", scope: "request" },
    headers: { "x-should-retry": "false" },
  });
}
