// The gateway as a `Request -> Response` handler (a Hono app), testable in-process without a
// port: POST /v1/chat/completions, GET /v1/models, GET /healthz, GET /metrics. Bearer auth
// guards /v1/* and /metrics unless explicitly turned off (the server glue allows that only on
// loopback); /healthz is open so load balancers can probe it. Unknown routes and unexpected
// throws answer in OpenAI's error shape. The Node server around it is gateway-server.ts.
import { Hono } from "hono";
import type { CommitMode } from "../failover/policy.ts";
import type { Baton } from "../turn/create-baton.ts";
import { bearerCheck } from "./bearer-auth.ts";
import { handleChatCompletion } from "./chat-handler.ts";
import { GatewayError } from "./gateway-error.ts";
import { InFlight } from "./in-flight.ts";
import { GatewayMetrics } from "./metrics.ts";
import { gatewayErrorOf } from "./turn-error-status.ts";

export const defaultBodyLimit = 4 * 1024 * 1024;

export interface GatewayOptions {
  readonly baton: Baton;
  /** `{ token }`: clients must send `Authorization: Bearer <token>`; `"off"`: no auth at all. */
  readonly auth: { readonly token: string } | "off";
  /** Largest accepted request body in bytes (default 4 MiB). */
  readonly bodyLimit?: number;
  /** Stream commit mode when a request has no `x-baton-stream-commit` (default: the config's policy.commitMode). */
  readonly streamCommit?: CommitMode;
  /** One line per answered chat request. */
  readonly log?: (line: string) => void;
}

export interface GatewayApp {
  /** The handler: hand it any Fetch API request. */
  fetch(request: Request): Promise<Response>;
  readonly metrics: GatewayMetrics;
  readonly inFlight: InFlight;
}

function modelList(baton: Baton): Record<string, unknown> {
  const { config } = baton.runtime;
  const ids = new Map<string, string>();
  for (const chain of Object.keys(config.chains)) ids.set(`baton/${chain}`, "baton");
  for (const references of Object.values(config.chains)) {
    for (const reference of references) ids.set(reference, reference.slice(0, reference.indexOf("/")));
  }
  for (const [provider, settings] of Object.entries(config.providers)) {
    for (const model of Object.keys(settings.models ?? {})) ids.set(`${provider}/${model}`, provider);
  }
  return {
    object: "list",
    data: [...ids].map(([id, owner]) => ({ id, object: "model", created: 0, owned_by: owner })),
  };
}

/**
 * Builds the gateway's HTTP app.
 * @example
 * const gateway = createGatewayApp({ baton, auth: { token: process.env.BATON_GATEWAY_TOKEN ?? "" } });
 * const response = await gateway.fetch(new Request("http://gateway/healthz"));
 */
export function createGatewayApp(options: GatewayOptions): GatewayApp {
  const { baton } = options;
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new TypeError(`createGatewayApp: bodyLimit must be a positive integer of bytes, got ${bodyLimit}`);
  }
  const streamCommit = options.streamCommit ?? baton.runtime.policy.commitMode ?? "forward";
  const metrics = new GatewayMetrics();
  const inFlight = new InFlight();
  const check = options.auth === "off" ? undefined : bearerCheck(options.auth.token);
  const app = new Hono();

  app.onError((error) => gatewayErrorOf(error).toResponse());
  app.notFound((c) =>
    new GatewayError(
      `no route ${c.req.method} ${new URL(c.req.url).pathname}: see docs/gateway.md for the endpoints`,
      {
        status: 404,
        type: "not_found_error",
        code: "unknown_url",
      },
    ).toResponse(),
  );
  if (check !== undefined) {
    const guard = async (
      c: { req: { raw: Request } },
      next: () => Promise<void>,
    ): Promise<Response | undefined> => {
      const refused = check(c.req.raw.headers.get("authorization"));
      if (refused !== undefined) return refused.toResponse();
      await next();
      return undefined;
    };
    app.use("/v1/*", guard);
    app.use("/metrics", guard);
  }

  app.get("/healthz", (c) =>
    c.json(
      inFlight.draining
        ? { status: "draining", inFlight: inFlight.count }
        : { status: "ok", inFlight: inFlight.count },
      inFlight.draining ? 503 : 200,
    ),
  );
  app.get("/metrics", async () => {
    const text = await metrics.render(baton.health, inFlight.count);
    return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
  });
  app.get("/v1/models", (c) => c.json(modelList(baton)));
  app.post("/v1/chat/completions", (c) =>
    handleChatCompletion(c.req.raw, {
      baton,
      metrics,
      inFlight,
      bodyLimit,
      streamCommit,
      ...(options.log === undefined ? {} : { log: options.log }),
    }),
  );

  return { fetch: async (request) => app.fetch(request), metrics, inFlight };
}
