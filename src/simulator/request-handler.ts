// Dispatches every incoming request: generation routes to generate-handler.ts, model
// listings (faultable by http-error, reset and silence like generation), the `/__baton/*`
// control endpoints (log, reset, scenario), and 404s in the shape of the provider family the
// path looks like. Follows each connection so the log can tell when a client gave up.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireProtocol } from "../providers/wire-protocol.ts";
import { apiKeyOf } from "./credentials.ts";
import { familyOf, resolveError } from "./error-catalogue.ts";
import type { CatalogueEntry, ErrorFamily } from "./error-shapes.ts";
import { selectFault, windowRemainingMs } from "./fault-matching.ts";
import {
  type Exchange,
  errorContext,
  handleGenerate,
  logExchange,
  randomHex,
  readBody,
  requestIdHeaders,
  sendCatalogueError,
} from "./generate-handler.ts";
import { listingBody, modelBody, scenarioModels } from "./model-listing.ts";
import type { SimulatorLogEntry } from "./request-log.ts";
import { resetConnection, sendBody, wasEndedByServer } from "./response-writer.ts";
import { matchRoute, type Route } from "./routes.ts";
import { parseScenario, ScenarioError } from "./scenario-schema.ts";
import type { SimulatorState } from "./simulator-state.ts";

const protocolOfFamily: Readonly<Record<ErrorFamily, WireProtocol>> = {
  openai: "openai-chat",
  anthropic: "anthropic-messages",
  gemini: "google-gemini",
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendBody(response, status, "application/json", body);
}

async function handleControl(
  state: SimulatorState,
  action: "log" | "reset" | "scenario",
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (action === "log") return sendJson(response, 200, { entries: state.log.list() });
  if (action === "reset") {
    state.log.reset();
    return sendJson(response, 200, { ok: true });
  }
  if (request.method === "GET") return sendJson(response, 200, state.scenario);
  const text = await readBody(request);
  try {
    state.scenario = parseScenario(JSON.parse(text ?? ""), "request body");
    sendJson(response, 200, { ok: true });
  } catch (error) {
    const problems = error instanceof ScenarioError ? error.problems : [String(error)];
    sendJson(response, 400, { error: { message: "invalid scenario", problems } });
  }
}

function handleListing(
  exchange: Exchange,
  route: Extract<Route, { kind: "list-models" | "get-model" }>,
): void {
  const { state } = exchange;
  const api = protocolOfFamily[route.family];
  const model = route.kind === "get-model" ? route.model : "";
  const apiKey = apiKeyOf(api, exchange.request.headers, exchange.url.searchParams);
  const { entry, decide } = logExchange(exchange, {
    provider: route.provider,
    api,
    model,
    apiKey,
    promptChars: 0,
    stream: false,
  });
  const fail = (catalogueEntry: CatalogueEntry, resetInMs = 0): void => {
    decide(`http-error:${catalogueEntry.id}`, catalogueEntry.status);
    sendCatalogueError(exchange, catalogueEntry, errorContext(exchange, { model, apiKey, resetInMs }));
  };
  if (apiKey === undefined && state.scenario.requireApiKey !== false) {
    fail(resolveError("missing_api_key", api) as CatalogueEntry);
    return;
  }
  const elapsedMs = state.log.elapsedMs();
  const facts = {
    provider: route.provider,
    api,
    model,
    apiKey,
    stream: false,
    call: entry.call,
    elapsedMs,
    endsWithAssistant: false,
  };
  const selected = selectFault(state.scenario.faults, facts);
  const fault = selected?.rule.fault;
  if (selected?.rule.name !== undefined) entry.faultName = selected.rule.name;
  if (fault?.kind === "http-error") {
    const catalogueEntry = resolveError(fault.error, api) as CatalogueEntry;
    fail(
      catalogueEntry,
      fault.resetInMs ??
        windowRemainingMs(selected?.rule.match, elapsedMs) ??
        catalogueEntry.defaultResetInMs ??
        60_000,
    );
    return;
  }
  if (fault?.kind === "reset-before-headers") {
    decide("reset-before-headers");
    resetConnection(exchange.response);
    return;
  }
  if (fault?.kind === "never-answer") {
    decide("never-answer");
    return;
  }
  decide("ok", 200);
  const models = scenarioModels(state.scenario, route.provider);
  const body =
    route.kind === "list-models"
      ? listingBody(route.family, models, route.provider)
      : modelBody(route.family, route.model, route.provider);
  sendBody(
    exchange.response,
    200,
    "application/json",
    body,
    requestIdHeaders(route.family, exchange.requestId),
  );
}

function sendNotFound(exchange: Exchange, family: ErrorFamily): void {
  if (family === "openai") {
    const entry = resolveError("openai.unknown_url", "openai-chat") as CatalogueEntry;
    sendCatalogueError(exchange, entry, errorContext(exchange, { model: "" }));
  } else if (family === "anthropic") {
    sendBody(exchange.response, 404, "application/json", {
      type: "error",
      error: { type: "not_found_error", message: "Not Found" },
      request_id: exchange.requestId,
    });
  } else {
    sendBody(exchange.response, 404, "application/json; charset=UTF-8", {
      error: {
        code: 404,
        message: `Requested entity was not found: ${exchange.url.pathname}`,
        status: "NOT_FOUND",
      },
    });
  }
}

/** Handles one request. Never throws: failures become a 500 or a closed socket. */
export async function handleRequest(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, state.closing]);
  let entry: SimulatorLogEntry | undefined;
  response.on("close", () => {
    controller.abort();
    if (
      entry !== undefined &&
      !response.writableFinished &&
      !wasEndedByServer(response) &&
      !state.closing.aborted
    ) {
      entry.closedByClient = true;
    }
  });
  const url = new URL(request.url ?? "/", "http://simulator.invalid");
  const route = matchRoute(request.method ?? "GET", url.pathname, request.headers, url.searchParams);
  const family: ErrorFamily =
    "family" in route ? route.family : route.kind === "generate" ? familyOf(route.api) : "openai";
  const exchange: Exchange = {
    state,
    request,
    response,
    signal,
    now: Date.now(),
    requestId: `req_${randomHex(12)}`,
    family,
    url,
    onEntry: (created) => {
      entry = created;
    },
  };
  try {
    switch (route.kind) {
      case "control":
        await handleControl(state, route.action, request, response);
        return;
      case "generate":
        await handleGenerate(exchange, route);
        return;
      case "list-models":
      case "get-model":
        handleListing(exchange, route);
        return;
      case "unknown":
        request.resume();
        sendNotFound(exchange, route.family);
        return;
    }
  } catch (error) {
    if (!response.headersSent && !response.destroyed) {
      sendJson(response, 500, {
        error: { message: `simulator bug: ${String(error)}`, type: "server_error" },
      });
    } else response.destroy();
  }
}
