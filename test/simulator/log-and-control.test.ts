// The request log and the control endpoints: what each entry records (and that it never holds
// the key), GET /__baton/log, POST /__baton/reset, swapping the scenario over HTTP with
// validation, the shipped scenarios that later tests depend on (quota, session race), and
// provider routing by path.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  loadScenarioFile,
  type Simulator,
  type SimulatorLogEntry,
  startSimulator,
} from "../../src/simulator/index.ts";
import { caught, openAiClient, openAiKey, user } from "./support.ts";

describe("request log and control endpoints", () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("logs provider, protocol, model, key hash, prompt size, stream flag, call and outcome", async () => {
    const seen: SimulatorLogEntry[] = [];
    simulator = await startSimulator({ onRequest: (entry) => seen.push(entry) });
    const client = openAiClient(simulator, "deepseek");
    await client.chat.completions.create({
      model: "deepseek-chat",
      messages: [{ role: "system", content: "sys" }, user("hello")],
    });
    const stream = await client.chat.completions.create({
      model: "deepseek-chat",
      messages: [user("hello")],
      stream: true,
    });
    for await (const _chunk of stream) {
      // drain
    }
    const log = simulator.log();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      provider: "deepseek",
      api: "openai-chat",
      model: "deepseek-chat",
      promptChars: "syshello".length,
      stream: false,
      call: 1,
      outcome: "ok",
      status: 200,
    });
    expect(log[1]).toMatchObject({ stream: true, call: 2, promptChars: 5 });
    expect(log[0]?.keyHash).toMatch(/^[0-9a-f]{12}$/);
    expect(log[0]?.atMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(log)).not.toContain(openAiKey);
    expect(seen.map((entry) => entry.outcome)).toEqual(["ok", "ok"]);
  });

  it("serves the log at GET /__baton/log and clears it at POST /__baton/reset", async () => {
    simulator = await startSimulator();
    await openAiClient(simulator).chat.completions.create({ model: "gpt-sim", messages: [user("hi")] });
    const log = (await (await fetch(`${simulator.url}/__baton/log`)).json()) as {
      entries: SimulatorLogEntry[];
    };
    expect(log.entries).toEqual(simulator.log());
    expect(log.entries[0]).toMatchObject({ provider: "openai", model: "gpt-sim", outcome: "ok" });
    const reset = await fetch(`${simulator.url}/__baton/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(simulator.log()).toEqual([]);
    await openAiClient(simulator).chat.completions.create({ model: "gpt-sim", messages: [user("hi")] });
    expect(simulator.log()[0]?.call).toBe(1);
  });

  it("swaps the scenario over HTTP and rejects an invalid one with the field and the expectation", async () => {
    simulator = await startSimulator();
    const scenarioUrl = `${simulator.url}/__baton/scenario`;
    const bad = await fetch(scenarioUrl, {
      method: "PUT",
      body: JSON.stringify({ faults: [{ fault: { kind: "stall-after", tokens: "five" } }] }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain(
      "faults[0].fault.tokens: Invalid input: expected number",
    );
    const good = await fetch(scenarioUrl, {
      method: "PUT",
      body: JSON.stringify({ faults: [{ fault: { kind: "http-error", error: "openai.model_not_found" } }] }),
    });
    expect(good.status).toBe(200);
    const error = await caught(
      openAiClient(simulator).chat.completions.create({ model: "gpt-sim", messages: [user("hi")] }),
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("quota.json: provider openai is out of plan quota on every model, deepseek answers", async () => {
    simulator = await startSimulator({ scenario: await loadScenarioFile("examples/scenarios/quota.json") });
    for (const model of ["gpt-4o", "gpt-4o-mini"]) {
      const error = await caught(
        openAiClient(simulator, "openai").chat.completions.create({ model, messages: [user("hi")] }),
      );
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).type).toBe("usage_limit_reached");
    }
    const responsesError = await caught(
      openAiClient(simulator, "openai").responses.create({ model: "gpt-4o", input: "hi" }),
    );
    expect(responsesError).toBeInstanceOf(OpenAI.RateLimitError);
    const answer = await openAiClient(simulator, "deepseek").chat.completions.create({
      model: "deepseek-chat",
      messages: [user("hi")],
    });
    expect(answer.choices[0]?.message.content).toBe(canonicalReplyText);
  });

  it("session-race.json: a slow model that still answers completely, streamed and not", async () => {
    simulator = await startSimulator({
      scenario: await loadScenarioFile("examples/scenarios/session-race.json"),
    });
    const client = openAiClient(simulator);
    const plain = await client.chat.completions.create({ model: "gpt-sim", messages: [user("hi")] });
    expect(plain.choices[0]?.message.content).toBe(canonicalReplyText);
    const stream = await client.chat.completions.create({
      model: "gpt-sim",
      messages: [user("hi")],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(canonicalReplyText);
    expect(simulator.scenario().reply).toEqual({ firstTokenDelayMs: 300, tokenDelayMs: 60 });
  });

  it("answers unknown paths with the provider's 404 and refuses non-loopback hosts", async () => {
    simulator = await startSimulator();
    const response = await fetch(`${simulator.url}/openai/v1/embeddings`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: "Invalid URL (POST /openai/v1/embeddings)" },
    });
    await expect(startSimulator({ host: "0.0.0.0" })).rejects.toThrow(/loopback/);
    expect(() => simulator?.baseUrl("v1", "openai-chat")).toThrow(/invalid provider name/);
  });
});
