// The socket side of replies: writes JSON and error responses, performs a stream script
// (pauses, frames, clean end, reset or hang), and misbehaves in the non-streaming forms of the
// stream faults (partial bodies, unparsable bodies). Every wait is cancelled by the request's
// abort signal, so a closing simulator or a departing client stops it at once.
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { StreamScript } from "./stream-script.ts";
import { encodeFrame } from "./wire-format.ts";

export type ResponseHeaders = Readonly<Record<string, string>>;

const endedByServer = new WeakSet<ServerResponse>();

/** True when the simulator itself closed or reset this response's connection. */
export function wasEndedByServer(response: ServerResponse): boolean {
  return endedByServer.has(response);
}

/** Waits, unless the signal fires first; resolves false when aborted. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Sends a complete response. Strings are sent as-is; anything else as JSON. */
export function sendBody(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: ResponseHeaders = {},
): void {
  if (response.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "content-length": String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Resets the connection without an answer (the client sees ECONNRESET). */
export function resetConnection(response: ServerResponse): void {
  endedByServer.add(response);
  const socket = response.socket;
  if (socket === null || socket.destroyed) return;
  socket.resetAndDestroy();
}

/** Performs a stream script. Resolves when the script is done (or the client or simulator left). */
export async function runStream(
  response: ServerResponse,
  contentType: string,
  headers: ResponseHeaders,
  script: StreamScript,
  signal: AbortSignal,
): Promise<void> {
  response.writeHead(200, {
    ...headers,
    "content-type": contentType,
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  response.socket?.setNoDelay(true);
  response.flushHeaders();
  for (const step of script.steps) {
    if (!(await pause(step.delayMs, signal))) return;
    if (response.destroyed) return;
    response.write(encodeFrame(step.frame));
  }
  await finish(response, script.end, signal);
}

/** Sends the first part of a JSON body, then ends, resets or hangs. */
export async function sendPartialBody(
  response: ServerResponse,
  contentType: string,
  headers: ResponseHeaders,
  body: unknown,
  end: StreamScript["end"],
  signal: AbortSignal,
): Promise<void> {
  const text = JSON.stringify(body);
  response.writeHead(200, { ...headers, "content-type": contentType });
  response.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
  await finish(response, end, signal);
}

/** Resolves once everything written so far has left the process. */
function flushed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) resolve();
    else response.write("", () => resolve());
  });
}

async function finish(
  response: ServerResponse,
  end: StreamScript["end"],
  signal: AbortSignal,
): Promise<void> {
  if (response.destroyed) return;
  if (end === "end") {
    response.end();
    return;
  }
  if (end === "hang") return; // leave it open: the client or close() ends it
  // Let the frames already written reach the client before the connection goes.
  await flushed(response);
  if (!(await pause(20, signal))) return;
  if (end === "reset") resetConnection(response);
  else {
    endedByServer.add(response);
    response.socket?.destroy();
  }
}
