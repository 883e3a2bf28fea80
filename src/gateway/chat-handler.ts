// POST /v1/chat/completions: reads and validates the body, resolves the model route, maps the
// messages to a turn, runs it through Baton (stateless, or persisted with `x-baton-session`),
// and answers as JSON or as a stream. Every failure becomes an OpenAI-shaped error. The
// gateway never executes a tool: offered tools are passed to the model and its calls returned.
import { performance } from "node:perf_hooks";
import type { CommitMode } from "../failover/policy.ts";
import { sessionIdProblem } from "../session/session-id.ts";
import type { Baton } from "../turn/create-baton.ts";
import type { TurnOptions } from "../turn/turn-types.ts";
import { toTurnInput } from "./chat-input.ts";
import { parseChatRequest } from "./chat-request.ts";
import { streamCompletion } from "./chat-stream.ts";
import { GatewayError, invalidRequest } from "./gateway-error.ts";
import type { InFlight } from "./in-flight.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { routeOf } from "./model-route.ts";
import { completionBody, servedHeaders, servedModel } from "./openai-shapes.ts";
import { readJsonBody } from "./request-body.ts";
import { gatewayErrorOf } from "./turn-error-status.ts";

export interface ChatHandlerContext {
  readonly baton: Baton;
  readonly metrics: GatewayMetrics;
  readonly inFlight: InFlight;
  /** Largest accepted body, bytes. */
  readonly bodyLimit: number;
  /** The stream commit mode when a request does not choose one. */
  readonly streamCommit: CommitMode;
  /** One line per answered request. */
  readonly log?: (line: string) => void;
}

const route = "/v1/chat/completions";

function commitModeOf(header: string | null, fallback: CommitMode): CommitMode {
  if (header === null || header.trim() === "") return fallback;
  const value = header.trim().toLowerCase();
  if (value === "forward" || value === "hold") return value;
  throw invalidRequest(
    `x-baton-stream-commit: expected "forward" or "hold", got ${JSON.stringify(header)}`,
    "x-baton-stream-commit",
  );
}

function sessionOf(header: string | null): string | undefined {
  if (header === null) return undefined;
  const problem = sessionIdProblem(header.trim());
  if (problem !== undefined) throw invalidRequest(`x-baton-session: ${problem}`, "x-baton-session");
  return header.trim();
}

function shuttingDown(): GatewayError {
  return new GatewayError(
    "the gateway is shutting down: send the request to another instance or retry shortly",
    {
      status: 503,
      type: "server_error",
      code: "shutting_down",
      baton: { reason: "aborted", scope: "runtime" },
      headers: { "retry-after": "1", connection: "close" },
    },
  );
}

/**
 * Answers one chat completions request.
 * @example
 * app.post("/v1/chat/completions", (c) => handleChatCompletion(c.req.raw, context));
 */
export async function handleChatCompletion(request: Request, context: ChatHandlerContext): Promise<Response> {
  const startedAt = performance.now();
  // Read now: the Node glue only wires client disconnects to a signal someone asked for.
  const clientSignal = request.signal;
  let stream = false;
  let model = "-";
  const finish = (status: number, detail: string): void => {
    const seconds = (performance.now() - startedAt) / 1000;
    context.metrics.request({ route, stream: String(stream) }, status, seconds);
    context.log?.(
      `POST ${route} ${status} ${model}${stream ? " stream" : ""}${detail} ${Math.round(seconds * 1000)}ms`,
    );
  };
  try {
    if (context.inFlight.draining) throw shuttingDown();
    const body = parseChatRequest(await readJsonBody(request, context.bodyLimit));
    stream = body.stream === true;
    model = body.model;
    const target = routeOf(context.baton.runtime, {
      model: body.model,
      fallbacks: body.fallbacks ?? null,
      chainHeader: request.headers.get("x-baton-chain"),
    });
    const commitMode = commitModeOf(request.headers.get("x-baton-stream-commit"), context.streamCommit);
    const sessionId = sessionOf(request.headers.get("x-baton-session"));
    const input = toTurnInput(body);
    const slot = context.inFlight.begin(clientSignal);
    const observe = context.metrics.observer();
    const options: TurnOptions = {
      ...(target.kind === "chain" ? { chain: target.chain } : { candidates: target.candidates }),
      ...(input.system === undefined ? {} : { system: input.system }),
      ...(sessionId === undefined ? { history: input.history } : { sessionId }),
      ...(input.message === undefined ? {} : { message: input.message }),
      ...(input.toolResults.length === 0 ? {} : { toolResults: input.toolResults }),
      // Always set, even empty: any tool call the model makes is the client's, never Baton's.
      toolDefinitions: input.toolDefinitions,
      ...(input.maxOutputTokens === undefined ? {} : { maxOutputTokens: input.maxOutputTokens }),
      ...(input.sampling === undefined ? {} : { sampling: input.sampling }),
      ...(input.reasoning === undefined ? {} : { reasoning: input.reasoning }),
      // A client reading a stream cannot take output back: forward continues only with a prefill.
      policy: stream ? { commitMode, canRetract: false } : { commitMode: "hold" },
      // A JSON answer is read whole: each attempt may fetch it non-streamed (attempt-mode.ts),
      // and metrics see each event as it happens instead of through the event iterator.
      ...(stream ? {} : { wholeAnswer: true, onEvent: observe }),
      signal: slot.signal,
    };
    const run = context.baton.run(options);
    slot.track(run.result);
    const created = Math.floor(Date.now() / 1000);
    if (stream) {
      return await streamCompletion({
        run,
        created,
        includeUsage: body.stream_options?.include_usage === true,
        observe,
        committed: () =>
          context.metrics.firstChunkSeconds.observe(
            { commit: commitMode },
            (performance.now() - startedAt) / 1000,
          ),
        done: (status, outcome) => finish(status, ` (${commitMode}) ${outcome}`),
        abort: () => slot.abort("the client closed the connection"),
      });
    }
    const result = await run.result;
    finish(200, ` -> ${servedModel(result.served)} after ${result.attempts.length} attempt(s)`);
    // A string body: the Node glue writes it in one go, with its length, without a body stream.
    return new Response(JSON.stringify(completionBody(result, created)), {
      headers: {
        "content-type": "application/json",
        ...servedHeaders(result.attempts.length, result.served, run.turnId),
      },
    });
  } catch (error) {
    const failure = gatewayErrorOf(error);
    finish(failure.status, ` error ${failure.baton?.reason ?? failure.code ?? ""}`.trimEnd());
    return failure.toResponse();
  }
}
