// Google Gemini as the official `@google/genai` client sees it: generateContent and
// streamGenerateContent?alt=sse (the client always asks for SSE), function calls and the
// answer after a function response, thinking (signed function calls, thought parts) and the
// 400 for a signature it did not issue, MAX_TOKENS, the in-stream error chunk, the key in
// x-goog-api-key or ?key=, and the model listing.
import { ApiError } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  canonicalReplyText,
  canonicalThinkingText,
  type Simulator,
  startSimulator,
} from "../../src/simulator/index.ts";
import { caught, geminiClient, geminiKey, rawPost, sseData } from "./support.ts";

const functionTool = {
  functionDeclarations: [
    { name: "get_time", description: "Time", parametersJsonSchema: { type: "object", properties: {} } },
  ],
};

describe("Google Gemini", () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({
      scenario: {
        models: { "gemini-tools": { toolCall: { arguments: { zone: "UTC" } } } },
        faults: [
          {
            match: { model: "gemini-mid-stream" },
            fault: { kind: "stream-error", afterTokens: 2, error: "gemini.unavailable" },
          },
        ],
      },
    });
  });
  afterAll(() => simulator.close());

  it("answers generateContent with the canonical text, STOP and usage metadata", async () => {
    const response = await geminiClient(simulator).models.generateContent({
      model: "gemini-sim",
      contents: "Hello",
      config: { systemInstruction: "Be brief." },
    });
    expect(response.text).toBe(canonicalReplyText);
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.usageMetadata?.promptTokenCount).toBe(Math.ceil("Be brief.Hello".length / 4));
    expect(response.usageMetadata?.candidatesTokenCount).toBe(canonicalReplyText.split(" ").length);
  });

  it("streams one chunk per word and a final chunk with finishReason", async () => {
    const stream = await geminiClient(simulator).models.generateContentStream({
      model: "gemini-sim",
      contents: "Hello",
    });
    let text = "";
    let chunks = 0;
    let finish: string | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.text ?? "";
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe(canonicalReplyText);
    expect(chunks).toBe(canonicalReplyText.split(" ").length + 1);
    expect(finish).toBe("STOP");
  });

  it("calls a function, streamed and not, and answers after the function response", async () => {
    const client = geminiClient(simulator);
    const response = await client.models.generateContent({
      model: "gemini-tools",
      contents: "What time?",
      config: { tools: [functionTool] },
    });
    expect(response.functionCalls).toEqual([{ name: "get_time", args: { zone: "UTC" } }]);

    const stream = await client.models.generateContentStream({
      model: "gemini-tools",
      contents: "What time?",
      config: { tools: [functionTool] },
    });
    const streamedCalls = [];
    for await (const chunk of stream) streamedCalls.push(...(chunk.functionCalls ?? []));
    expect(streamedCalls).toEqual([{ name: "get_time", args: { zone: "UTC" } }]);

    const answer = await client.models.generateContent({
      model: "gemini-tools",
      config: { tools: [functionTool] },
      contents: [
        { role: "user", parts: [{ text: "What time?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_time", args: { zone: "UTC" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_time", response: { time: "12:00" } } }] },
      ],
    });
    expect(answer.text).toBe(canonicalReplyText);
  });

  it("signs a function call when thinking is on, shows thoughts when asked, and takes the signature back", async () => {
    const client = geminiClient(simulator);
    const request = {
      model: "gemini-tools",
      contents: "What time?",
      config: { tools: [functionTool], thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    };
    const response = await client.models.generateContent(request);
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]).toEqual({ text: canonicalThinkingText, thought: true });
    const signature = parts[1]?.thoughtSignature;
    expect(parts[1]?.functionCall).toEqual({ name: "get_time", args: { zone: "UTC" } });
    expect(signature?.length).toBeGreaterThan(20);

    const streamed = [];
    for await (const chunk of await client.models.generateContentStream(request))
      streamed.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    expect(
      streamed
        .filter((part) => part.thought === true)
        .map((part) => part.text)
        .join(""),
    ).toBe(canonicalThinkingText);
    expect(streamed.find((part) => part.functionCall !== undefined)?.thoughtSignature).toBe(signature);

    const hidden = await client.models.generateContent({
      ...request,
      config: { tools: [functionTool], thinkingConfig: { thinkingBudget: 1024 } },
    });
    expect(hidden.candidates?.[0]?.content?.parts).toEqual([
      { functionCall: { name: "get_time", args: { zone: "UTC" } }, thoughtSignature: signature },
    ]);

    const history = (thoughtSignature: string) => [
      { role: "user", parts: [{ text: "What time?" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "get_time", args: { zone: "UTC" } }, thoughtSignature }],
      },
      { role: "user", parts: [{ functionResponse: { name: "get_time", response: { time: "12:00" } } }] },
    ];
    const answer = await client.models.generateContent({
      model: "gemini-tools",
      config: { tools: [functionTool] },
      contents: history(signature ?? ""),
    });
    expect(answer.text).toBe(canonicalReplyText);
    const error = await caught(
      client.models.generateContent({
        model: "gemini-tools",
        config: { tools: [functionTool] },
        contents: history("c2lnbmVkIGVsc2V3aGVyZQ=="),
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain("Corrupted thought signature.");
    expect(simulator.log().at(-1)).toMatchObject({
      status: 400,
      outcome: "rejected:corrupted-thought-signature",
    });
  });

  it("refuses a function response that follows no function call", async () => {
    const error = await caught(
      geminiClient(simulator).models.generateContent({
        model: "gemini-tools",
        config: { tools: [functionTool] },
        contents: [
          { role: "user", parts: [{ text: "What time?" }] },
          { role: "user", parts: [{ functionResponse: { name: "get_time", response: { time: "12:00" } } }] },
        ],
      }),
    );
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain(
      "Please ensure that function response turn comes immediately after a function call turn.",
    );
  });

  it("stops at maxOutputTokens with MAX_TOKENS", async () => {
    const response = await geminiClient(simulator).models.generateContent({
      model: "gemini-sim",
      contents: "Hello",
      config: { maxOutputTokens: 2 },
    });
    expect(response.text).toBe("Baton simulator");
    expect(response.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
  });

  it("raises an in-stream error chunk as ApiError with the HTTP-like status", async () => {
    const stream = await geminiClient(simulator).models.generateContentStream({
      model: "gemini-mid-stream",
      contents: "Hello",
    });
    let text = "";
    const error = await caught(
      (async () => {
        for await (const chunk of stream) text += chunk.text ?? "";
      })(),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).message).toContain("UNAVAILABLE");
    expect(text).toBe("Baton simulator");
  });

  it("accepts the key as ?key= and refuses a request with no key at all", async () => {
    const base = simulator.baseUrl("google", "google-gemini");
    const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    const withKey = await rawPost(
      `${base}/models/gemini-sim:streamGenerateContent?alt=sse&key=${geminiKey}`,
      body,
    );
    expect(withKey.status).toBe(200);
    expect(
      sseData(withKey.text)
        .map((line) => JSON.parse(line).candidates[0].content.parts[0].text)
        .join(""),
    ).toBe(canonicalReplyText);
    const withoutKey = await rawPost(`${base}/models/gemini-sim:generateContent`, body);
    expect(withoutKey.status).toBe(403);
    expect(JSON.parse(withoutKey.text).error.status).toBe("PERMISSION_DENIED");
  });

  it("lists models in Gemini's shape", async () => {
    const pager = await geminiClient(simulator).models.list();
    const names = [];
    for await (const model of pager) names.push(model.name);
    expect(names).toEqual(["models/gemini-mid-stream", "models/gemini-tools"]);
  });
});
