// OpenAI Responses as the official `openai` client sees it: the response object and
// `output_text`, the typed event stream in order with sequence numbers, function calls, and
// the two in-stream error forms (`error`, which the client raises, and `response.failed`,
// which it hands over as an event).
import { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, type Simulator, startSimulator } from "../../src/simulator/index.ts";
import { caught, openAiClient } from "./support.ts";

const lookupTool = {
  type: "function" as const,
  name: "lookup",
  description: "Look something up",
  parameters: { type: "object", properties: { q: { type: "string" } } },
  strict: false,
};

describe("OpenAI Responses", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        models: { "tool-model": { toolCall: { arguments: { q: "baton" } } } },
        faults: [
          {
            match: { model: "error-event" },
            fault: {
              kind: "stream-error",
              afterTokens: 2,
              error: "openai.server_is_overloaded",
              responsesEvent: "error",
            },
          },
          {
            match: { model: "failed-event" },
            fault: {
              kind: "stream-error",
              afterTokens: 2,
              error: "server_error",
              responsesEvent: "response.failed",
            },
          },
          {
            match: { model: "quota-mid-stream" },
            fault: { kind: "stream-error", afterTokens: 0, error: "openai.usage_limit_reached" },
          },
        ],
      },
    });
  });
  afterAll(() => simulator.close());

  it("answers with a completed response whose output_text is the canonical text", async () => {
    const response = await openAiClient(simulator).responses.create({
      model: "gpt-sim",
      input: "Hello",
      instructions: "Be brief.",
    });
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe(canonicalReplyText);
    expect(response.usage?.input_tokens).toBe(Math.ceil("Be brief.Hello".length / 4));
    expect(response.usage?.output_tokens).toBe(canonicalReplyText.split(" ").length);
  });

  it("streams the typed events in order, numbered, ending with response.completed", async () => {
    const stream = await openAiClient(simulator).responses.create({
      model: "gpt-sim",
      input: "Hello",
      stream: true,
    });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = "";
    let completedText: string | undefined;
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") {
        const item = event.response.output[0];
        const part = item?.type === "message" ? item.content[0] : undefined;
        completedText = part?.type === "output_text" ? part.text : undefined;
      }
    }
    expect(text).toBe(canonicalReplyText);
    expect(completedText).toBe(canonicalReplyText);
    expect(sequence).toEqual(types.map((_, index) => index));
    expect(types.filter((type) => type !== "response.output_text.delta")).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  it("calls a function, streamed and not, and answers with text after its output", async () => {
    const client = openAiClient(simulator);
    const response = await client.responses.create({
      model: "tool-model",
      input: "find baton",
      tools: [lookupTool],
    });
    const call = response.output[0];
    expect(call).toMatchObject({ type: "function_call", name: "lookup", arguments: '{"q":"baton"}' });

    const stream = await client.responses.create({
      model: "tool-model",
      input: "find baton",
      tools: [lookupTool],
      stream: true,
    });
    let streamed = "";
    for await (const event of stream)
      if (event.type === "response.function_call_arguments.delta") streamed += event.delta;
    expect(JSON.parse(streamed)).toEqual({ q: "baton" });

    const callId = call?.type === "function_call" ? call.call_id : "";
    const answer = await client.responses.create({
      model: "tool-model",
      tools: [lookupTool],
      input: [
        { role: "user", content: "find baton" },
        { type: "function_call", call_id: callId, name: "lookup", arguments: '{"q":"baton"}' },
        { type: "function_call_output", call_id: callId, output: "found it" },
      ],
    });
    expect(answer.output_text).toBe(canonicalReplyText);
  });

  it("raises an in-stream `error` event as an APIError with the provider's code", async () => {
    const stream = await openAiClient(simulator).responses.create({
      model: "error-event",
      input: "Hello",
      stream: true,
    });
    let text = "";
    const error = await caught(
      (async () => {
        for await (const event of stream)
          if (event.type === "response.output_text.delta") text += event.delta;
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).code).toBe("server_is_overloaded");
    expect((error as APIError).status).toBeUndefined();
    expect(text).toBe("Baton simulator");
  });

  it("hands a `response.failed` event to the caller with the error inside", async () => {
    const stream = await openAiClient(simulator).responses.create({
      model: "failed-event",
      input: "Hello",
      stream: true,
    });
    const types: string[] = [];
    let failure: unknown;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.failed") failure = event.response.error;
    }
    expect(types.at(-1)).toBe("response.failed");
    expect(types).not.toContain("response.completed");
    expect(failure).toEqual({
      code: "server_error",
      message: "The server had an error while processing your request. Sorry about that!",
    });
  });

  it("streams a usage limit the way Codex reports it: the error type and reset inside the event", async () => {
    const stream = await openAiClient(simulator).responses.create({
      model: "quota-mid-stream",
      input: "Hello",
      stream: true,
    });
    const error = await caught(
      (async () => {
        for await (const _event of stream) {
          // drain
        }
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe("usage_limit_reached");
    expect((error as APIError).error).toMatchObject({ resets_in_seconds: 18_000 });
  });
});
