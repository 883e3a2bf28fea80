// `baton serve`: the OpenAI-compatible gateway over the configured chains, until SIGINT or
// SIGTERM, then a graceful drain. Auth is a bearer token read from an environment variable;
// running without auth is allowed only on loopback. Prints the address, the models it serves
// and one line per request (unless --quiet).
import { type CommitMode, defaultPolicy } from "../../failover/policy.ts";
import { defaultBodyLimit } from "../../gateway/gateway-app.ts";
import { defaultDrainMs, defaultGatewayPort, startGateway } from "../../gateway/gateway-server.ts";
import { isLoopbackHost } from "../../net/loopback.ts";
import { type Command, type CommandIo, UsageError } from "../command.ts";
import { parseCommandArgs, parseInteger } from "../command-args.ts";
import { ExitCode } from "../exit-codes.ts";
import { loadBaton } from "../load-baton.ts";

const help = `Usage: baton serve [options]

Runs an OpenAI-compatible HTTP gateway in front of the configured chains:
  POST /v1/chat/completions   (streaming and not, with tools the client executes)
  GET  /v1/models             GET /healthz             GET /metrics (Prometheus)

A request's "model" is "baton/<chain>" (a configured chain; "baton" is the default chain) or
a direct "provider/model"; "fallbacks" in the body or an x-baton-chain header add candidates.
Headers: x-baton-session: ID persists the turn to a session; x-baton-stream-commit: forward|hold.

Options:
  --config FILE         config file (default: $BATON_CONFIG, then ./baton.config.json|yaml)
  --host HOST           address to listen on (default 127.0.0.1)
  --port N              port (default ${defaultGatewayPort}; 0 picks a free one)
  --token-env NAME      environment variable holding the bearer token clients must send
                        (default BATON_GATEWAY_TOKEN)
  --no-auth             serve without auth; allowed only on a loopback host
  --body-limit SIZE     largest request body: bytes, or with KiB/MiB (default 4MiB)
  --stream-commit MODE  forward | hold: default commit mode of streams (default: policy.commitMode)
  --drain-ms N          on SIGTERM/SIGINT, how long in-flight turns may finish before they are
                        aborted (default ${defaultDrainMs})
  --quiet               no line per request
  -h, --help            this text

Exit codes: 0 stopped cleanly, 2 usage error (or the address is taken), 3 configuration error
(or the token variable is unset). docs/gateway.md has the endpoints, headers, error statuses and metric names.
`;

interface ServeOptions {
  config?: string;
  host: string;
  port: number;
  tokenEnv: string;
  auth: boolean;
  bodyLimit: number;
  streamCommit?: CommitMode;
  drainMs: number;
  quiet: boolean;
}

function parseSize(flag: string, text: string): number {
  const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  const units: Record<string, number> = {
    b: 1,
    k: 1024,
    kb: 1024,
    kib: 1024,
    m: 1024 ** 2,
    mb: 1024 ** 2,
    mib: 1024 ** 2,
  };
  const size =
    match === null ? Number.NaN : Number(match[1]) * (units[(match[2] ?? "b").toLowerCase()] ?? Number.NaN);
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new UsageError(`${flag} expects a size in bytes (or with KiB/MiB), e.g. 4MiB, got '${text}'`);
  }
  return size;
}

function parseServeArgs(args: readonly string[]): ServeOptions {
  const { values } = parseCommandArgs({
    args: [...args],
    options: {
      config: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      "token-env": { type: "string", default: "BATON_GATEWAY_TOKEN" },
      "no-auth": { type: "boolean", default: false },
      "body-limit": { type: "string" },
      "stream-commit": { type: "string" },
      "drain-ms": { type: "string" },
      quiet: { type: "boolean", default: false },
    },
  });
  const mode = values["stream-commit"];
  if (mode !== undefined && mode !== "forward" && mode !== "hold") {
    throw new UsageError(`--stream-commit expects forward or hold, got '${mode}'`);
  }
  const options: ServeOptions = {
    ...(values.config === undefined ? {} : { config: values.config }),
    host: values.host,
    port: values.port === undefined ? defaultGatewayPort : parseInteger("--port", values.port, 0, 65_535),
    tokenEnv: values["token-env"],
    auth: !values["no-auth"],
    bodyLimit:
      values["body-limit"] === undefined ? defaultBodyLimit : parseSize("--body-limit", values["body-limit"]),
    ...(mode === undefined ? {} : { streamCommit: mode }),
    drainMs:
      values["drain-ms"] === undefined
        ? defaultDrainMs
        : parseInteger("--drain-ms", values["drain-ms"], 0, 600_000),
    quiet: values.quiet,
  };
  if (!options.auth && !isLoopbackHost(options.host)) {
    throw new UsageError(
      `--no-auth is allowed only on a loopback host (127.0.0.1, ::1, localhost), not ${options.host}: set $${options.tokenEnv} instead`,
    );
  }
  return options;
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const options = parseServeArgs(args);
  let token: string | undefined;
  if (options.auth) {
    token = io.env[options.tokenEnv];
    if (token === undefined || token.trim() === "") {
      io.stderr.write(
        `baton serve: $${options.tokenEnv} is not set: set it to the bearer token clients must send, or pass --no-auth on a loopback host\n`,
      );
      return ExitCode.config;
    }
  }
  const loaded = await loadBaton(io, options.config);
  if (!loaded.ok) return loaded.exitCode;
  const { baton } = loaded;
  const streamCommit = options.streamCommit ?? baton.runtime.policy.commitMode ?? defaultPolicy.commitMode;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      baton,
      auth: token === undefined ? "off" : { token: token.trim() },
      host: options.host,
      port: options.port,
      bodyLimit: options.bodyLimit,
      streamCommit,
      ...(options.quiet ? {} : { log: (line: string) => io.stderr.write(`${line}\n`) }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EADDRINUSE" && code !== "EACCES" && code !== "EADDRNOTAVAIL") throw error;
    io.stderr.write(
      `baton serve: cannot listen on ${options.host}:${options.port}: ${code} (${(error as Error).message})\n`,
    );
    return ExitCode.usage;
  }
  const chains = Object.keys(baton.runtime.config.chains).map((name) => `baton/${name}`);
  io.stdout.write(
    [
      `baton serve: listening on ${gateway.url}`,
      `  OpenAI base URL: ${gateway.url}/v1`,
      `  auth: ${token === undefined ? "OFF (loopback only)" : `bearer token from $${options.tokenEnv}`}`,
      `  models: ${chains.join(", ")} (or any provider/model of the config)`,
      `  streams commit: ${streamCommit}; body limit: ${options.bodyLimit} bytes; drain: ${options.drainMs} ms`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  io.stderr.write(
    `baton serve: stopping; ${gateway.app.inFlight.count} turn(s) in flight get up to ${options.drainMs} ms\n`,
  );
  const report = await gateway.close({ drainMs: options.drainMs });
  io.stderr.write(`baton serve: stopped (${report.completed} finished, ${report.aborted} aborted)\n`);
  return ExitCode.ok;
}

export const serveCommand: Command = {
  name: "serve",
  summary: "Run the OpenAI-compatible HTTP gateway",
  help,
  run,
};
