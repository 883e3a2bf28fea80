// The thin Node glue around the gateway app: listen on a host and port, and shut down
// gracefully: stop accepting connections, let in-flight turns finish within a bound, abort what
// is left (their streams end with an error event), then close every connection. It refuses to
// run without auth anywhere but loopback. It does not terminate TLS: put a proxy in front.
import { createAdaptorServer } from "@hono/node-server";
import { listen } from "../net/listen.ts";
import { isLoopbackHost } from "../net/loopback.ts";
import { cancellableSleep } from "./cancellable-sleep.ts";
import { createGatewayApp, type GatewayApp, type GatewayOptions } from "./gateway-app.ts";
import type { DrainReport } from "./in-flight.ts";

export const defaultGatewayPort = 8787;
export const defaultDrainMs = 10_000;

export interface StartGatewayOptions extends GatewayOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly app: GatewayApp;
  /**
   * Stops accepting, waits up to `drainMs` (default 10 s) for in-flight turns, aborts the rest,
   * and closes every connection.
   */
  close(options?: { drainMs?: number }): Promise<DrainReport>;
}

/** How long responses get to write their last bytes after the drain, before sockets are closed. */
const flushMs = 1_000;

/**
 * Starts the gateway on a port.
 * @example
 * const gateway = await startGateway({ baton, auth: { token }, port: 8787 });
 * process.once("SIGTERM", () => void gateway.close({ drainMs: 10_000 }));
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? defaultGatewayPort;
  if (options.auth === "off" && !isLoopbackHost(host)) {
    throw new Error(
      `refusing to serve without auth on ${host}: auth may be off only on a loopback address (127.0.0.1, ::1, localhost)`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`invalid port ${port}: expected an integer 0-65535`);
  }
  const app = createGatewayApp(options);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host });
  const open = new Set<object>();
  let idle: (() => void) | undefined;
  server.on("request", (_request, response) => {
    open.add(response);
    response.on("close", () => {
      open.delete(response);
      if (open.size === 0) idle?.();
    });
  });
  const address = await listen(server, port, host);
  let closing: Promise<DrainReport> | undefined;

  const close = async (drainMs: number): Promise<DrainReport> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const report = await app.inFlight.drain(drainMs);
    if (open.size > 0) {
      const flushed = new Promise<void>((resolve) => {
        idle = resolve;
      });
      const flush = cancellableSleep(flushMs);
      await Promise.race([flushed, flush.promise]);
      flush.cancel();
    }
    if ("closeAllConnections" in server) server.closeAllConnections();
    await closed;
    return report;
  };

  return {
    url: address.url,
    host: address.host,
    port: address.port,
    app,
    close(closeOptions = {}) {
      closing ??= close(closeOptions.drainMs ?? defaultDrainMs);
      return closing;
    },
  };
}
