// Stream faults on every wire protocol, observed through the official clients: what text
// arrives, whether the end-of-answer event arrives, and what the client raises, exactly as a
// production stream cut, stall, slow start, corrupt event or missing terminator looks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator, tokenize } from "../../src/simulator/index.ts";
import { drains, protocols } from "./stream-drains.ts";
import { idleWatchdog, openAiKey, rawPost, sseData, user, waitForLog } from "./support.ts";

const firstWords = (count: number): string => tokenize(canonicalReplyText).slice(0, count).join("");
const lastEntry = (simulator: Simulator, model: string) =>
  simulator.log().findLast((entry) => entry.model === model);

/** Waits until the simulator saw the client leave the request for `model`. */
async function waitForClientClose(simulator: Simulator, model: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (lastEntry(simulator, model)?.closedByClient === true) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the simulator never saw the client leave ${model}`);
}

describe("stream faults, as each official client sees them", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        faults: [
          { match: { model: "cut" }, fault: { kind: "cut-after", tokens: 5 } },
          { match: { model: "cut-reset" }, fault: { kind: "cut-after", tokens: 5, connection: "reset" } },
          { match: { model: "cut-close" }, fault: { kind: "cut-after", tokens: 5, connection: "close" } },
          { match: { model: "stall" }, fault: { kind: "stall-after", tokens: 4 } },
          { match: { model: "slow" }, fault: { kind: "slow-first-token", delayMs: 400 } },
          { match: { model: "slow-but-fine" }, fault: { kind: "slow-first-token", delayMs: 60 } },
          { match: { model: "malformed" }, fault: { kind: "malformed-event", at: 3 } },
          { match: { model: "no-terminator" }, fault: { kind: "missing-terminator" } },
          {
            match: { model: "error-mid-stream" },
            fault: { kind: "stream-error", afterTokens: 2, error: "server_error" },
          },
        ],
      },
    });
  });
  afterAll(() => simulator.close());

  describe.each(protocols)("%s", (protocol) => {
    const drain = drains[protocol];

    it("cut-after: the first tokens arrive, then the stream just ends with no end-of-answer event", async () => {
      const result = await drain(simulator, "cut");
      expect(result.error).toBeUndefined();
      expect(result.text).toBe(firstWords(5));
      expect(result.finished).toBe(false);
      expect(lastEntry(simulator, "cut")?.outcome).toBe("cut-after:5");
    });

    it("cut-after with a TCP reset: the first tokens arrive, then the client raises a connection error", async () => {
      const result = await drain(simulator, "cut-reset");
      expect(result.text).toBe(firstWords(5));
      expect(String(result.error)).toMatch(/terminated/);
      expect(result.finished).toBe(false);
    });

    it("cut-after with a closed socket: the client raises 'terminated'", async () => {
      const result = await drain(simulator, "cut-close");
      expect(result.text).toBe(firstWords(5));
      expect(String(result.error)).toMatch(/terminated/);
    });

    it("stall-after: the first tokens arrive, then silence until the client's idle timer gives up", async () => {
      const watchdog = idleWatchdog(150);
      const result = await drain(simulator, "stall", watchdog.signal, watchdog.poke);
      watchdog.stop();
      expect(watchdog.signal.aborted).toBe(true);
      expect(result.text).toBe(firstWords(4));
      expect(result.finished).toBe(false);
      await waitForClientClose(simulator, "stall");
      expect(lastEntry(simulator, "stall")?.outcome).toBe("stall-after:4");
    });

    it("slow-first-token: headers come at once but no text before the delay", async () => {
      const watchdog = idleWatchdog(50);
      const result = await drain(simulator, "slow", watchdog.signal);
      watchdog.stop();
      expect(watchdog.signal.aborted).toBe(true);
      expect(result.text).toBe("");
      await waitForClientClose(simulator, "slow");
      expect(lastEntry(simulator, "slow")).toMatchObject({ outcome: "slow-first-token:400", status: 200 });
    });

    it("slow-first-token: a patient client still gets the whole answer", async () => {
      const result = await drain(simulator, "slow-but-fine");
      expect(result.error).toBeUndefined();
      expect(result.text).toBe(canonicalReplyText);
      expect(result.finished).toBe(true);
    });

    it("malformed-event: the client raises a JSON syntax error at the corrupt event", async () => {
      const result = await drain(simulator, "malformed");
      expect(result.error).toBeDefined();
      expect(String(result.error)).toMatch(/JSON|Unterminated|Expected/);
      expect(result.finished).toBe(false);
    });

    it("missing-terminator: the whole text arrives but the stream ends without its terminator", async () => {
      const result = await drain(simulator, "no-terminator");
      expect(result.error).toBeUndefined();
      expect(result.text).toBe(canonicalReplyText);
      if (protocol === "openai-chat")
        expect(result.finished).toBe(true); // finish_reason came, [DONE] did not
      else expect(result.finished).toBe(false);
    });

    it("stream-error: the first tokens arrive, then the client raises the provider's in-stream error", async () => {
      const result = await drain(simulator, "error-mid-stream");
      expect(result.text).toBe(firstWords(2));
      expect(result.error).toBeDefined();
      expect(String(result.error)).toMatch(/error|INTERNAL/i);
      expect(lastEntry(simulator, "error-mid-stream")?.outcome).toMatch(/^stream-error:/);
    });
  });

  it("missing-terminator on OpenAI Chat leaves out exactly `data: [DONE]`", async () => {
    const url = `${simulator.baseUrl("openai", "openai-chat")}/chat/completions`;
    const headers = { authorization: `Bearer ${openAiKey}` };
    const healthy = sseData(
      (await rawPost(url, { model: "gpt-sim", messages: [user("hi")], stream: true }, headers)).text,
    );
    const faulty = sseData(
      (await rawPost(url, { model: "no-terminator", messages: [user("hi")], stream: true }, headers)).text,
    );
    expect(healthy.at(-1)).toBe("[DONE]");
    expect(faulty).not.toContain("[DONE]");
    expect(faulty.length).toBe(healthy.length - 1);
  });

  it("malformed-event inserts one corrupt copy, so a tolerant reader still recovers the whole text", async () => {
    const raw = await rawPost(
      `${simulator.baseUrl("openai", "openai-chat")}/chat/completions`,
      { model: "malformed", messages: [user("hi")], stream: true },
      { authorization: `Bearer ${openAiKey}` },
    );
    const parsed: unknown[] = [];
    let corrupt = 0;
    for (const data of sseData(raw.text).filter((line) => line !== "[DONE]")) {
      try {
        parsed.push(JSON.parse(data));
      } catch {
        corrupt += 1;
      }
    }
    const text = parsed.map(
      (chunk) => (chunk as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "",
    );
    expect(corrupt).toBe(1);
    expect(text.join("")).toBe(canonicalReplyText);
  });

  it("non-streamed requests get the body forms: truncated JSON for a cut, a body that never ends for a stall", async () => {
    const url = `${simulator.baseUrl("openai", "openai-chat")}/chat/completions`;
    const headers = { authorization: `Bearer ${openAiKey}` };
    const cut = await rawPost(url, { model: "cut", messages: [user("hi")] }, headers);
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text)).toThrow(SyntaxError);
    const malformed = await rawPost(url, { model: "malformed", messages: [user("hi")] }, headers);
    expect(() => JSON.parse(malformed.text)).toThrow(SyntaxError);

    const before = simulator.log().length;
    const controller = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ model: "stall", messages: [user("hi")] }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^\{"id":"chatcmpl-/);
    const timer = setTimeout(() => controller.abort(), 100);
    await expect(reader.read()).rejects.toThrow();
    clearTimeout(timer);
    await waitForLog(simulator, before + 1);
    await waitForClientClose(simulator, "stall");
  });
});
