// The gateway's bearer-token check: `Authorization: Bearer <token>`, compared in constant time
// (both sides hashed first, so neither the token's length nor a prefix leaks through timing).
// A 401 in OpenAI's shape says whether the token was missing or wrong, never what it should be.
// It does not protect against a token sent over plain HTTP beyond loopback: put TLS in front.
import { createHash, timingSafeEqual } from "node:crypto";
import { GatewayError } from "./gateway-error.ts";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function unauthorized(message: string, code: string): GatewayError {
  return new GatewayError(message, {
    status: 401,
    type: "authentication_error",
    code,
    baton: { reason: "auth", scope: "request" },
    headers: { "www-authenticate": 'Bearer realm="baton"', "x-should-retry": "false" },
  });
}

/** A checker for one token: returns undefined when the header carries it, else the 401. */
export function bearerCheck(token: string): (authorization: string | null) => GatewayError | undefined {
  if (token === "") throw new TypeError("bearerCheck: the token must not be empty");
  const expected = digest(token);
  return (authorization) => {
    const match = authorization === null ? null : /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match === null) {
      return unauthorized(
        "missing bearer token: send `Authorization: Bearer <token>` (the token the gateway was started with)",
        "missing_api_key",
      );
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) {
      return unauthorized("invalid bearer token", "invalid_api_key");
    }
    return undefined;
  };
}
