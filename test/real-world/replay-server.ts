// Serves recorded responses over real HTTP on 127.0.0.1 (port 0): a request to
// /case/<id>/<anything> gets that case's status, headers and body bytes exactly as recorded,
// ending as recorded: `clean` (the response completes), `close` (the connection is closed
// mid-body, an orderly FIN) or `reset` (a TCP reset). Framing headers of the recording
// (content-length, transfer-encoding, content-encoding, connection) are dropped: the body is
// re-framed by Node, chunked, so an early close is visible to the client as a cut body.
// Counts requests per case so the test can check nothing retried underneath.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Segment } from "./case-schema.ts";
import type { LoadedCase } from "./load-cases.ts";

const framingHeaders = new Set(["content-length", "transfer-encoding", "content-encoding", "connection"]);

export interface ReplayServer {
  /** Base URL of one case; the adapter appends its own path. */
  baseUrl(caseId: string): string;
  /** Requests received for one case so far. */
  requestCount(caseId: string): number;
  close(): Promise<void>;
}

function segmentsOf(body: string | readonly Segment[]): Segment[] {
  return typeof body === "string" ? [{ text: body }] : [...body];
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function writeCase(entry: LoadedCase, response: ServerResponse): Promise<void> {
  const { status, headers, body, ending } = entry.response;
  for (const [name, value] of Object.entries(headers)) {
    if (!framingHeaders.has(name.toLowerCase())) response.setHeader(name, value);
  }
  response.writeHead(status);
  response.flushHeaders();
  for (const segment of segmentsOf(body)) {
    for (let copy = 0; copy < (segment.repeat ?? 1); copy += 1) {
      if (segment.delayMs !== undefined && segment.delayMs > 0) await pause(segment.delayMs);
      if (response.destroyed) return;
      if (segment.text !== "") response.write(segment.text);
    }
  }
  if (ending === "clean") {
    response.end();
    return;
  }
  // Let the written bytes reach the client before the connection goes away.
  await new Promise<void>((resolve) => response.write("", () => resolve()));
  await pause(5);
  const socket = response.socket;
  if (socket === null) return;
  if (ending === "reset") socket.resetAndDestroy();
  else socket.destroy();
}

export async function startReplayServer(cases: readonly LoadedCase[]): Promise<ReplayServer> {
  const byId = new Map(cases.map((entry) => [entry.id, entry]));
  const counts = new Map<string, number>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/case\/([^/]+)\//.exec(request.url ?? "");
    const entry = match === null ? undefined : byId.get(decodeURIComponent(match[1] as string));
    request.resume();
    if (entry === undefined) {
      response.writeHead(599, { "content-type": "text/plain" });
      response.end(`replay server: no case for ${request.url}`);
      return;
    }
    counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
    request.on("end", () => {
      writeCase(entry, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: (caseId) => `http://127.0.0.1:${port}/case/${encodeURIComponent(caseId)}/v1`,
    requestCount: (caseId) => counts.get(caseId) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
