// Faults that depend on state: a quota window for one key that reports the window's end as
// its reset, a model that is down for its first milliseconds and then healthy, "fail the first
// N calls" counted per provider+model, and reset() restarting both the clock and the counts.
import Anthropic from "@anthropic-ai/sdk";
import { ApiError } from "@google/genai";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  loadScenarioFile,
  type Simulator,
  startSimulator,
} from "../../src/simulator/index.ts";
import { anthropicClient, caught, geminiClient, openAiClient, user } from "./support.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("stateful faults", () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("quota window: key K fails with usage_limit_reached until T, resetting at T; other keys work", async () => {
    const scenario = await loadScenarioFile("examples/scenarios/key-quota-window.json");
    simulator = await startSimulator({ scenario });
    const exhausted = openAiClient(simulator, "openai", "sk-sim-exhausted");
    const error = await caught(
      exhausted.chat.completions.create({ model: "gpt-sim", messages: [user("hi")] }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const body = (error as InstanceType<typeof OpenAI.RateLimitError>).error as {
      type: string;
      resets_in_seconds: number;
    };
    expect(body.type).toBe("usage_limit_reached");
    expect(body.resets_in_seconds).toBeGreaterThan(55);
    expect(body.resets_in_seconds).toBeLessThanOrEqual(60);

    const spare = await openAiClient(simulator, "openai", "sk-sim-spare").chat.completions.create({
      model: "gpt-sim",
      messages: [user("hi")],
    });
    expect(spare.choices[0]?.message.content).toBe(canonicalReplyText);
    const log = simulator.log();
    expect(log.map((entry) => entry.outcome)).toEqual(["http-error:openai.usage_limit_reached", "ok"]);
    expect(log[0]?.keyHash).not.toBe(log[1]?.keyHash);
    expect(JSON.stringify(log)).not.toContain("sk-sim-");
  });

  it("flapping model: down for the first D ms, then healthy", async () => {
    simulator = await startSimulator({
      scenario: {
        faults: [
          {
            match: { model: "claude-flaky", window: { untilMs: 1000 } },
            fault: { kind: "http-error", error: "anthropic.overloaded_error" },
          },
        ],
      },
    });
    const client = anthropicClient(simulator);
    const request = { model: "claude-flaky", max_tokens: 64, messages: [user("hi")] };
    expect(await caught(client.messages.create(request))).toBeInstanceOf(Anthropic.OverloadedError);
    await sleep(1100);
    const message = await client.messages.create(request);
    expect(message.content).toEqual([{ type: "text", text: canonicalReplyText }]);
    const other = await client.messages.create({ ...request, model: "claude-steady" });
    expect(other.stop_reason).toBe("end_turn");
  });

  it("fail the first N calls, counted per provider and model", async () => {
    const scenario = await loadScenarioFile("examples/scenarios/fail-first-calls.json");
    simulator = await startSimulator({ scenario });
    const client = geminiClient(simulator);
    const outcomes: (number | string)[] = [];
    for (let call = 0; call < 3; call += 1) {
      try {
        outcomes.push(
          (await client.models.generateContent({ model: "gemini-a", contents: "hi" })).text ?? "",
        );
      } catch (error) {
        outcomes.push((error as ApiError).status);
      }
    }
    expect(outcomes).toEqual([503, 503, canonicalReplyText]);
    const otherModel = await caught(client.models.generateContent({ model: "gemini-b", contents: "hi" }));
    expect(otherModel).toBeInstanceOf(ApiError);
    const otherProvider = await geminiClient(simulator, "vertex").models.generateContent({
      model: "gemini-a",
      contents: "hi",
    });
    expect(otherProvider.text).toBe(canonicalReplyText);
    expect(simulator.log().map((entry) => `${entry.provider}/${entry.model}#${entry.call}`)).toEqual([
      "google/gemini-a#1",
      "google/gemini-a#2",
      "google/gemini-a#3",
      "google/gemini-b#1",
      "vertex/gemini-a#1",
    ]);
  });

  it("reset() restarts the call counts and the window clock", async () => {
    simulator = await startSimulator({
      scenario: {
        faults: [
          { match: { calls: { to: 1 } }, fault: { kind: "http-error", error: "server_error" } },
          { match: { window: { untilMs: 1000 } }, fault: { kind: "http-error", error: "rate_limit" } },
        ],
      },
    });
    const client = openAiClient(simulator);
    const ask = () => client.chat.completions.create({ model: "gpt-sim", messages: [user("hi")] });
    expect(await caught(ask())).toBeInstanceOf(OpenAI.InternalServerError);
    await sleep(1100);
    expect((await ask()).choices[0]?.message.content).toBe(canonicalReplyText);
    simulator.reset();
    expect(simulator.log()).toEqual([]);
    expect(await caught(ask())).toBeInstanceOf(OpenAI.InternalServerError);
    const second = await caught(ask());
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
