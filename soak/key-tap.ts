// A TCP tap between one Baton process and the simulator. Baton processes share the same
// (canary) keys, as real deployments do, so credential health is shared through the health file
// (a credential's health is keyed by a hash of its key). To still know which process sent each
// request, every process talks to the simulator through its own tap, which swaps the shared key
// for that process's own canary key in the request bytes. The simulator logs a hash of the key
// it received, which names the process. Everything else passes through unchanged, including
// the simulator's transport faults: a reset upstream resets the client, a close closes it, and a
// client that hangs up hangs up upstream. Listens on 127.0.0.1 only.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface KeyTap {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  close(): Promise<void>;
}

/** The longest tail of `text` that is a proper prefix of one of `needles` (it may complete in the next chunk). */
export function partialTail(text: string, needles: readonly string[]): number {
  let longest = 0;
  for (const needle of needles) {
    for (let length = Math.min(needle.length - 1, text.length); length > longest; length -= 1) {
      if (text.endsWith(needle.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

/** Rewrites a byte stream chunk by chunk: every `from` becomes its `to`, even across chunk boundaries. */
export function keyRewriter(
  substitutions: readonly (readonly [string, string])[],
): (chunk: Buffer) => Buffer {
  const needles = substitutions.map(([from]) => from);
  let carry = "";
  return (chunk) => {
    let text = carry + chunk.toString("latin1");
    for (const [from, to] of substitutions) text = text.split(from).join(to);
    const hold = partialTail(text, needles);
    carry = text.slice(text.length - hold);
    return Buffer.from(text.slice(0, text.length - hold), "latin1");
  };
}

function reset(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

function tapConnection(
  client: Socket,
  upstreamPort: number,
  substitutions: readonly (readonly [string, string])[],
): void {
  const upstream = createConnection({ host: "127.0.0.1", port: upstreamPort });
  const rewrite = keyRewriter(substitutions);
  client.on("data", (chunk: Buffer) => {
    const out = rewrite(chunk);
    if (out.length > 0 && !upstream.destroyed) upstream.write(out);
  });
  client.on("end", () => upstream.end());
  client.on("error", () => upstream.destroy());
  client.on("close", () => upstream.destroy());
  upstream.on("data", (chunk: Buffer) => {
    if (!client.destroyed) client.write(chunk);
  });
  upstream.on("end", () => client.end());
  upstream.on("error", () => reset(client));
  upstream.on("close", (hadError) => {
    if (hadError) reset(client);
    else if (!client.destroyed) client.destroySoon();
  });
}

/** Starts a tap to the simulator on `upstreamPort` that swaps each shared key for its per-process key. */
export async function startKeyTap(
  upstreamPort: number,
  substitutions: readonly (readonly [string, string])[],
): Promise<KeyTap> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    tapConnection(client, upstreamPort, substitutions);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
