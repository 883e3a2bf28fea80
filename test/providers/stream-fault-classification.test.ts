// Transport and stream faults over real HTTP, through each protocol's adapter: what the caller
// saw before the failure, which raw facts were recorded, and how they classify. A stream that
// ends before its terminal event is never a success.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classify } from "../../src/failover/classify.ts";
import type { Failure } from "../../src/failover/failure.ts";
import type { WireProtocol } from "../../src/providers/wire-protocol.ts";
import { canonicalReplyText, type Simulator, startSimulator, tokenize } from "../../src/simulator/index.ts";
import { type Collected, callerFor, collect, type Fault, routes } from "./adapter-harness.ts";

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => simulator.reset());

async function withFault(
  route: { provider: string; api: WireProtocol },
  fault: Fault,
  request = {},
): Promise<Collected> {
  simulator.setScenario({ reply: { tokenDelayMs: 5 }, faults: [{ fault }] });
  return collect(callerFor(simulator), route, request);
}

function classified(result: Collected): Failure {
  expect(result.failure, "the attempt must fail").toBeDefined();
  return classify(result.failure as NonNullable<Collected["failure"]>, Date.now());
}

/** When a timer fires the adapter aborts the request: the simulator sees the client close the connection. */
async function expectConnectionReleased(): Promise<void> {
  await expect.poll(() => simulator.log()[0]?.closedByClient, { timeout: 5_000 }).toBe(true);
}

const firstTokens = (count: number): string => tokenize(canonicalReplyText).slice(0, count).join("");

const overloadedInStream: Record<WireProtocol, string> = {
  "openai-chat": "openai.server_is_overloaded",
  "openai-responses": "openai.server_is_overloaded",
  "anthropic-messages": "anthropic.overloaded_error",
  "google-gemini": "gemini.unavailable",
};

describe.each(routes)("stream faults via $api", (route) => {
  it("a reset before headers is a network failure with no output", async () => {
    const result = await withFault(route, { kind: "reset-before-headers" });
    expect(classified(result)).toMatchObject({ reason: "network", scope: "attempt" });
    expect(result.failure?.outputReachedCaller).toBe(false);
    expect(result.failure?.transportCode).toMatch(/^(ECONNRESET|UND_ERR_SOCKET)$/);
  });

  it("a server that never answers trips the connect timer", async () => {
    const result = await withFault(route, { kind: "never-answer" }, { timers: { connectMs: 250 } });
    expect(classified(result)).toMatchObject({ reason: "timeout", scope: "model" });
    expect(result.failure?.timer).toBe("connect");
    expect(result.failure?.message).toContain("connect timer fired after 250 ms");
    await expectConnectionReleased();
  });

  it("a slow first token trips the first-token timer", async () => {
    const result = await withFault(
      route,
      { kind: "slow-first-token", delayMs: 5_000 },
      { timers: { firstTokenMs: 250 } },
    );
    expect(classified(result)).toMatchObject({ reason: "timeout" });
    expect(result.failure?.timer).toBe("first-token");
    expect(result.text).toBe("");
    await expectConnectionReleased();
  });

  it("a stall after three tokens trips the idle timer, with the partial output flagged", async () => {
    const result = await withFault(route, { kind: "stall-after", tokens: 3 }, { timers: { idleMs: 250 } });
    expect(classified(result)).toMatchObject({ reason: "timeout" });
    expect(result.failure?.timer).toBe("idle");
    expect(result.text).toBe(firstTokens(3));
    expect(result.failure?.outputReachedCaller).toBe(true);
    await expectConnectionReleased();
  });

  // A cut before the first token can break the body while the SDK is still opening the stream
  // (it throws from doStream after the 200): still a truncated stream, not an error event.
  it.each([
    { tokens: 3, connection: "end" },
    { tokens: 3, connection: "close" },
    { tokens: 3, connection: "reset" },
    { tokens: 1, connection: "close" },
    { tokens: 0, connection: "close" },
    { tokens: 0, connection: "reset" },
  ] as const)(
    "a cut after $tokens tokens ($connection) is a truncated stream, never a success",
    async ({ tokens, connection }) => {
      const result = await withFault(route, { kind: "cut-after", tokens, connection });
      expect(result.finish).toBeUndefined();
      expect(classified(result)).toMatchObject({ reason: "truncated_stream", scope: "attempt" });
      expect(result.text).toBe(firstTokens(tokens));
      expect(result.failure?.outputReachedCaller).toBe(tokens > 0);
    },
  );

  it("one malformed event is skipped and recorded; the answer is complete", async () => {
    const result = await withFault(route, { kind: "malformed-event", at: 3 });
    expect(result.failure).toBeUndefined();
    expect(result.text).toBe(canonicalReplyText);
    expect(result.finish?.warnings).toContainEqual(expect.stringContaining("skipped one malformed event"));
    expect(result.finish?.finishReason).toBe("stop");
  });

  it("an error event after two tokens is classified by its body", async () => {
    const result = await withFault(route, {
      kind: "stream-error",
      afterTokens: 2,
      error: overloadedInStream[route.api],
    });
    expect(result.finish).toBeUndefined();
    expect(classified(result)).toMatchObject({ reason: "overloaded", scope: "model" });
    expect(result.failure?.streamProblem).toBe("error-event");
    expect(result.text).toBe(firstTokens(2));
  });

  it("a rejected assistant prefill is an invalid request", async () => {
    const result = await withFault(
      route,
      { kind: "reject-prefill" },
      {
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "text", text: "Partial" }] },
        ],
      },
    );
    expect(classified(result)).toMatchObject({ reason: "invalid_request", scope: "request" });
    expect(simulator.log()).toHaveLength(1);
  });
});

describe("a missing stream terminator", () => {
  it.each(routes)(
    "via $api: the answer is accepted only if the protocol's finish event arrived",
    async (route) => {
      const result = await withFault(route, { kind: "missing-terminator" });
      if (route.api === "openai-chat") {
        // The chunk with finish_reason (and the usage chunk) arrived; only `data: [DONE]` is missing.
        expect(result.failure).toBeUndefined();
        expect(result.text).toBe(canonicalReplyText);
      } else {
        // message_stop, response.completed and Gemini's final chunk are the finish events themselves.
        expect(result.finish).toBeUndefined();
        expect(classified(result)).toMatchObject({ reason: "truncated_stream" });
      }
    },
  );
});
