// Transport faults and prefill rejection through the official clients: a reset before any
// header is a connection error, a server that never answers trips the client's timeout, and
// close() frees hung connections. A request ending with an assistant prefill is refused with
// the provider's 400 while ordinary requests pass.
import Anthropic from "@anthropic-ai/sdk";
import { ApiError } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import {
  anthropicClient,
  caught,
  geminiClient,
  openAiClient,
  openAiKey,
  user,
  waitForLog,
} from "./support.ts";

describe("transport faults", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        faults: [
          { match: { model: "reset" }, fault: { kind: "reset-before-headers" } },
          { match: { model: "silent" }, fault: { kind: "never-answer" } },
        ],
      },
    });
  });
  afterAll(() => simulator.close());

  it("reset-before-headers is a connection error (ECONNRESET) in every client", async () => {
    const openAiError = await caught(
      openAiClient(simulator).chat.completions.create({ model: "reset", messages: [user("hi")] }),
    );
    expect(openAiError).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(((openAiError as Error).cause as Error & { cause?: { code?: string } }).cause?.code).toBe(
      "ECONNRESET",
    );

    const anthropicError = await caught(
      anthropicClient(simulator).messages.create({ model: "reset", max_tokens: 8, messages: [user("hi")] }),
    );
    expect(anthropicError).toBeInstanceOf(Anthropic.APIConnectionError);

    const geminiError = await caught(
      geminiClient(simulator).models.generateContent({ model: "reset", contents: "hi" }),
    );
    expect(((geminiError as Error).cause as { code?: string }).code).toBe("ECONNRESET");
    expect(
      simulator
        .log()
        .filter((entry) => entry.model === "reset")
        .map((entry) => entry.outcome),
    ).toEqual(["reset-before-headers", "reset-before-headers", "reset-before-headers"]);
  });

  it("never-answer trips the client's own timeout, and the log records that the client left", async () => {
    const client = new OpenAI({
      apiKey: openAiKey,
      baseURL: simulator.baseUrl("openai", "openai-chat"),
      maxRetries: 0,
      timeout: 150,
    });
    const error = await caught(client.chat.completions.create({ model: "silent", messages: [user("hi")] }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    for (let attempt = 0; attempt < 200 && simulator.log().at(-1)?.closedByClient !== true; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(simulator.log().at(-1)).toMatchObject({
      model: "silent",
      outcome: "never-answer",
      closedByClient: true,
    });
  });

  it("close() ends hung requests at once instead of leaking them", async () => {
    const own = await startSimulator({ scenario: { faults: [{ fault: { kind: "never-answer" } }] } });
    const pending = fetch(`${own.baseUrl("openai", "openai-chat")}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${openAiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "any", messages: [user("hi")] }),
    });
    await waitForLog(own, 1);
    await own.close();
    await expect(pending).rejects.toThrow();
    expect(own.log()[0]).toMatchObject({ outcome: "never-answer" });
    expect(own.log()[0]?.closedByClient).toBeUndefined();
  });
});

describe("assistant prefill rejection", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: { faults: [{ name: "no prefill", fault: { kind: "reject-prefill" } }] },
    });
  });
  afterAll(() => simulator.close());

  it("Anthropic: 400 'does not support assistant message prefill' for a trailing assistant message", async () => {
    const client = anthropicClient(simulator);
    const error = await caught(
      client.messages.create({
        model: "claude-sim",
        max_tokens: 64,
        messages: [user("Write JSON"), { role: "assistant", content: "{" }],
      }),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).apiMessage).toBe(
      "This model does not support assistant message prefill. The conversation must end with a user message.",
    );
    const fine = await client.messages.create({
      model: "claude-sim",
      max_tokens: 64,
      messages: [user("Write JSON")],
    });
    expect(fine.content).toEqual([{ type: "text", text: canonicalReplyText }]);
    expect(simulator.log().map((entry) => entry.outcome)).toEqual([
      "reject-prefill:anthropic.prefill_unsupported",
      "ok",
    ]);
    expect(simulator.log()[0]?.faultName).toBe("no prefill");
  });

  it("OpenAI Chat and Responses: 400 invalid_request_error for a trailing assistant message", async () => {
    const client = openAiClient(simulator);
    const chatError = await caught(
      client.chat.completions.create({
        model: "gpt-sim",
        messages: [user("hi"), { role: "assistant", content: "Sure" }],
      }),
    );
    expect(chatError).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chatError as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages");
    const responsesError = await caught(
      client.responses.create({
        model: "gpt-sim",
        input: [
          { role: "user", content: "hi" },
          { role: "assistant", content: "Sure" },
        ],
      }),
    );
    expect(responsesError).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("Gemini: 400 INVALID_ARGUMENT for a trailing model turn; a trailing function call is not a prefill", async () => {
    const client = geminiClient(simulator);
    const error = await caught(
      client.models.generateContent({
        model: "gemini-sim",
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ text: "Sure" }] },
        ],
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    const toolTurn = await client.models.generateContent({
      model: "gemini-sim",
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
      ],
    });
    expect(toolTurn.text).toBe(canonicalReplyText);
  });
});
