// The running simulator: a node:http server on loopback around request-handler.ts, with the
// programmatic API tests and the CLI use (addresses, base URLs, log, reset, scenario swap,
// close). close() destroys every open socket, hung ones included, so nothing outlives it.
// It does not protect against being exposed: it refuses non-loopback hosts unless told.
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { listen } from "../net/listen.ts";
import { isLoopbackHost } from "../net/loopback.ts";
import type { WireProtocol } from "../providers/wire-protocol.ts";
import { handleRequest } from "./request-handler.ts";
import { RequestLog, type SimulatorLogEntry } from "./request-log.ts";
import { isProviderName } from "./routes.ts";
import { parseScenario, type Scenario } from "./scenario-schema.ts";
import type { SimulatorState } from "./simulator-state.ts";

export interface SimulatorOptions {
  /** Validated on start; defaults to a healthy simulator with no faults. */
  readonly scenario?: Scenario;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Required to listen on anything but a loopback address. */
  readonly allowNonLoopback?: boolean;
  /** Called when the simulator has decided what to do with a request. */
  readonly onRequest?: (entry: SimulatorLogEntry) => void;
}

export interface Simulator {
  /** Origin, e.g. http://127.0.0.1:43123. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * What an AI SDK provider's `baseURL` should be for this provider and protocol:
   * `${url}/openai/v1` for the OpenAI and Anthropic protocols, `${url}/google/v1beta` for Gemini.
   */
  baseUrl(provider: string, api: WireProtocol): string;
  /**
   * The provider's origin without the version segment: `${url}/anthropic`. This is what the
   * official Anthropic SDK's `baseURL` and @google/genai's `httpOptions.baseUrl` expect.
   */
  providerUrl(provider: string): string;
  /** Every request so far (since the last reset), oldest first. */
  log(): SimulatorLogEntry[];
  /** Clears the log and call counters and restarts the clock that fault windows use. */
  reset(): void;
  /** Swaps the scenario; the log, counters and clock carry on. */
  setScenario(scenario: Scenario): void;
  scenario(): Scenario;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/**
 * Starts a simulator on loopback.
 * @example
 * const simulator = await startSimulator({ scenario });
 * const openai = new OpenAI({ apiKey: "sk-test", baseURL: simulator.baseUrl("openai", "openai-chat") });
 * // ...
 * await simulator.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) && options.allowNonLoopback !== true) {
    throw new Error(
      `refusing to listen on ${host}: the simulator only listens on loopback unless allowNonLoopback is set`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`invalid port ${port}: expected 0-65535`);
  const closing = new AbortController();
  const state: SimulatorState = {
    scenario: parseScenario(options.scenario ?? {}, "startSimulator options.scenario"),
    log: new RequestLog(),
    closing: closing.signal,
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  };
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void handleRequest(state, request, response);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A reset by the client is expected behaviour here, not a crash.
    socket.on("error", () => {});
  });
  const address = await listen(server, port, host);
  const url = address.url;
  let closed: Promise<void> | undefined;

  const providerUrl = (provider: string): string => {
    if (!isProviderName(provider)) {
      throw new Error(
        `invalid provider name "${provider}": expected letters, digits, ".", "_" or "-" (not v1/v1beta)`,
      );
    }
    return `${url}/${provider}`;
  };

  return {
    url,
    host: address.host,
    port: address.port,
    baseUrl: (provider, api) => `${providerUrl(provider)}/${api === "google-gemini" ? "v1beta" : "v1"}`,
    providerUrl,
    log: () => state.log.list(),
    reset: () => state.log.reset(),
    setScenario: (scenario) => {
      state.scenario = parseScenario(scenario, "setScenario");
    },
    scenario: () => state.scenario,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
