// Reads a request's JSON body within a size limit: a declared Content-Length over the limit is
// refused before reading, and a body that grows past it while streaming in is cut off there.
// Over the limit is a 413; malformed JSON is a 400 that quotes the parser's complaint.
import { GatewayError, invalidRequest } from "./gateway-error.ts";

function tooLarge(limit: number): GatewayError {
  return new GatewayError(`the request body is larger than ${limit} bytes (the gateway's --body-limit)`, {
    status: 413,
    type: "invalid_request_error",
    code: "request_too_large",
    baton: { reason: "invalid_request", scope: "request" },
    headers: { "x-should-retry": "false" },
  });
}

/**
 * The parsed JSON body; throws a GatewayError (413 or 400).
 * @example
 * const body = await readJsonBody(request, 4 * 1024 * 1024);
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null)
    throw invalidRequest("the request has no body: send a JSON chat completions request");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks, size).toString("utf8");
  if (text.trim() === "")
    throw invalidRequest("the request body is empty: send a JSON chat completions request");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidRequest(
      `the request body is not valid JSON: ${(error as Error).message}`,
      null,
      "invalid_json",
    );
  }
}
