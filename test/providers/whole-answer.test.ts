// The whole-answer attempt (one non-streamed request, `doGenerate`) over real HTTP, through each
// protocol's adapter: it is taken only when the caller reads the answer whole and no timer is
// set; it answers with the same content; and every failure it meets is classified as the
// streamed attempt classifies the same fault, from one request with nothing retried underneath.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classify } from "../../src/failover/classify.ts";
import type { Failure } from "../../src/failover/failure.ts";
import type { ModelRequest } from "../../src/providers/model-stream.ts";
import type { WireProtocol } from "../../src/providers/wire-protocol.ts";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { type Collected, callerFor, collect, type Fault, routes } from "./adapter-harness.ts";

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => simulator.reset());

type Route = { provider: string; api: WireProtocol };

const whole = { whole: true } as const;

async function withFault(route: Route, fault: Fault | undefined, request: Partial<ModelRequest>) {
  simulator.reset();
  simulator.setScenario(fault === undefined ? {} : { faults: [{ fault }] });
  const result = await collect(callerFor(simulator), route, request);
  return { result, log: simulator.log() };
}

function classified(result: Collected): Failure {
  expect(result.failure, "the attempt must fail").toBeDefined();
  return classify(result.failure as NonNullable<Collected["failure"]>, Date.now());
}

/** What a failover decision reads from a classified failure. */
function decisionFacts(failure: Failure): Record<string, unknown> {
  return {
    reason: failure.reason,
    scope: failure.scope,
    hint: failure.hintSource,
    retries: failure.retryAfterMs !== undefined,
  };
}

describe.each(routes)("whole answers via $api", (route) => {
  it("asks for the answer non-streamed and gives the same content, finish and usage", async () => {
    const streamed = await withFault(route, undefined, {});
    const answered = await withFault(route, undefined, whole);
    expect(answered.log).toHaveLength(1);
    expect(answered.log[0]?.stream).toBe(false);
    expect(streamed.log[0]?.stream).toBe(true);
    expect(answered.result.failure).toBeUndefined();
    expect(answered.result.text).toBe(canonicalReplyText);
    expect(answered.result.finish?.finishReason).toBe(streamed.result.finish?.finishReason);
    expect(answered.result.finish?.usage).toEqual(streamed.result.finish?.usage);
  });

  it("streams anyway when a timer is set: the timers watch a stream's progress", async () => {
    for (const timers of [{ connectMs: 5_000 }, { firstTokenMs: 5_000 }, { idleMs: 5_000 }]) {
      const { result, log } = await withFault(route, undefined, { ...whole, timers });
      expect(result.text).toBe(canonicalReplyText);
      expect(log[0]?.stream).toBe(true);
    }
  });

  it("returns a tool call with parsed arguments, as the stream does", async () => {
    simulator.reset();
    simulator.setScenario({ reply: { toolCall: { name: "weather", arguments: { city: "Paris" } } } });
    const tools = [{ name: "weather", description: "Weather", inputSchema: { type: "object" } }];
    const streamed = await collect(callerFor(simulator), route, { tools });
    const answered = await collect(callerFor(simulator), route, { tools, ...whole });
    const calls = (result: Collected) =>
      result.events.flatMap((event) =>
        event.type === "tool-call" ? [{ name: event.toolName, input: event.input }] : [],
      );
    expect(calls(answered)).toEqual([{ name: "weather", input: { city: "Paris" } }]);
    expect(calls(answered)).toEqual(calls(streamed));
    expect(answered.finish?.finishReason).toBe("tool-calls");
    expect(simulator.log().map((entry) => entry.stream)).toEqual([true, false]);
  });

  it("a reset before headers is a network failure, from one request", async () => {
    const { result, log } = await withFault(route, { kind: "reset-before-headers" }, whole);
    expect(classified(result)).toMatchObject({ reason: "network", scope: "attempt" });
    expect(result.failure?.transportCode).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
    expect(log).toHaveLength(1);
  });

  it.each(["end", "close", "reset"] as const)(
    "a body cut midway (%s) is a truncated answer, never a success",
    async (connection) => {
      const { result, log } = await withFault(route, { kind: "cut-after", tokens: 3, connection }, whole);
      expect(result.finish).toBeUndefined();
      expect(classified(result)).toMatchObject({ reason: "truncated_stream", scope: "attempt" });
      expect(result.text).toBe("");
      expect(result.failure?.outputReachedCaller).toBe(false);
      expect(log).toHaveLength(1);
    },
  );

  it("a body that stops halfway with a clean end is truncated, never a success", async () => {
    // The simulator's non-streamed "malformed" answer is the first half of the JSON body.
    const { result } = await withFault(route, { kind: "malformed-event", at: 1 }, whole);
    expect(result.finish).toBeUndefined();
    expect(classified(result)).toMatchObject({ reason: "truncated_stream", scope: "attempt" });
  });

  it("an error the stream would carry in an event arrives as an HTTP error, classified the same", async () => {
    const error = {
      "openai-chat": "openai.server_is_overloaded",
      "openai-responses": "openai.server_is_overloaded",
      "anthropic-messages": "anthropic.overloaded_error",
      "google-gemini": "gemini.unavailable",
    }[route.api];
    const fault = { kind: "stream-error", afterTokens: 2, error } as const;
    const streamed = await withFault(route, fault, {});
    const answered = await withFault(route, fault, whole);
    // Reason and scope: the same. A retry hint may differ, as the responses do: the streamed
    // error rides on a 200 whose healthy rate-limit headers carry a reset time, the whole
    // answer's is an error response of its own.
    const { reason, scope } = classified(streamed.result);
    expect(classified(answered.result)).toMatchObject({ reason, scope });
    expect(answered.result.failure?.status).toBeGreaterThanOrEqual(500);
    expect(answered.log).toHaveLength(1);
  });

  it("an answer that never comes ends when the caller aborts, flagged as aborted", async () => {
    for (const request of [{}, whole]) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("caller gave up")), 200);
      const { result } = await withFault(
        route,
        { kind: "never-answer" },
        { ...request, signal: controller.signal },
      );
      expect(result.failure?.aborted).toBe(true);
      expect(result.failure?.message).toContain("aborted by the caller");
    }
  });
});

const catalogue = await import("../../src/simulator/error-catalogue.ts");
const familyOf = (api: WireProtocol): string =>
  api === "anthropic-messages" ? "anthropic" : api === "google-gemini" ? "gemini" : "openai";
const errorCases = routes.flatMap((route) =>
  [...catalogue.catalogueIds]
    .filter((id) => id.startsWith(`${familyOf(route.api)}.`))
    .map((id) => ({ id, route })),
);

describe("HTTP errors: a whole answer's failure classifies as the stream's", () => {
  it.each(errorCases)("$id via $route.api", async ({ id, route }) => {
    const fault = { kind: "http-error", error: id } as const;
    const streamed = await withFault(route, fault, {});
    const answered = await withFault(route, fault, whole);
    expect(answered.log).toHaveLength(1);
    expect(answered.log[0]?.stream).toBe(false);
    const failure = classified(answered.result);
    expect(decisionFacts(failure)).toEqual(decisionFacts(classified(streamed.result)));
    expect(answered.result.failure?.status).toBe(streamed.result.failure?.status);
    expect(failure.message).not.toContain("sk-adapter-test-key");
  });
});
