// Mid-stream failures as an OpenAI streaming client sees them, per commit mode:
// - hold: nothing of a failed attempt is sent; the fallback's whole answer arrives;
// - forward, fallback accepts a prefill: the answer continues on it and arrives whole;
// - forward, no target can continue: the stream ends with an error event the client raises,
//   never with a finish reason (a truncated answer is never presented as complete);
// - a failure before any output is a real HTTP error status.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText, tokenize } from "../../src/simulator/index.ts";
import { type GatewayFixture, readStream, startGatewayFixture } from "./harness.ts";

let fixture: GatewayFixture;
const cutAt = 4;
const tokens = tokenize(canonicalReplyText);
const prefix = tokens.slice(0, cutAt).join("");
const rest = tokens.slice(cutAt).join("");

beforeAll(async () => {
  fixture = await startGatewayFixture({
    chains: {
      // Each test meets its fault on its own models: an overloaded model cools after its failure.
      cut: ["openai/gpt-cut", "deepseek/deepseek-v4-pro"],
      overloaded: ["openai/gpt-overloaded", "deepseek/deepseek-v4-pro"],
      "cut-forward": ["openai/gpt-cut-2", "deepseek/deepseek-v4-pro"],
      "overloaded-forward": ["openai/gpt-overloaded-2", "deepseek/deepseek-v4-pro"],
      continues: ["openai/gpt-cut-3", "deepseek/deepseek-continue"],
      "down-forward": ["openai/gpt-down"],
      "down-hold": ["openai/gpt-down-2"],
    },
    models: { deepseek: { "deepseek-continue": { acceptsPrefill: true } } },
    scenario: {
      // The continuing model says the rest of the canonical answer, as a model continuing a prefill would.
      models: { "deepseek/deepseek-continue": { text: rest } },
      faults: [
        {
          match: { provider: "openai", model: ["gpt-cut", "gpt-cut-2", "gpt-cut-3"] },
          fault: { kind: "cut-after", tokens: cutAt, connection: "close" },
        },
        {
          match: { provider: "openai", model: ["gpt-overloaded", "gpt-overloaded-2"] },
          fault: { kind: "stream-error", afterTokens: cutAt, error: "openai.server_is_overloaded" },
        },
        {
          match: { provider: "openai", model: ["gpt-down", "gpt-down-2"] },
          fault: { kind: "http-error", error: "server_error" },
        },
      ],
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

const messages = [{ role: "user" as const, content: "What does Baton do?" }];

async function streamed(model: string, commit: "forward" | "hold") {
  const stream = await fixture.client.chat.completions.create(
    { model, messages, stream: true },
    { headers: { "x-baton-stream-commit": commit } },
  );
  return readStream(stream);
}

describe("a stream that fails midway", () => {
  it("hold: the client gets the fallback's whole answer and nothing of the cut attempt", async () => {
    for (const chain of ["baton/cut", "baton/overloaded"]) {
      const read = await streamed(chain, "hold");
      expect(read.error).toBeUndefined();
      expect(read.text).toBe(canonicalReplyText);
      expect(read.finishReason).toBe("stop");
      expect(read.models).toEqual(["deepseek/deepseek-v4-pro"]);
    }
  });

  it("forward: continues on a target that accepts a prefill, and the answer arrives whole", async () => {
    const read = await streamed("baton/continues", "forward");
    expect(read.error).toBeUndefined();
    expect(read.text).toBe(canonicalReplyText);
    expect(read.finishReason).toBe("stop");
    // The first words came from OpenAI, the rest from DeepSeek.
    expect(read.models).toEqual(["openai/gpt-cut-3", "deepseek/deepseek-continue"]);
  });

  it("forward: with no target able to continue, the stream ends with an error event, never a finish", async () => {
    for (const chain of ["baton/cut-forward", "baton/overloaded-forward"]) {
      const read = await streamed(chain, "forward");
      expect(read.text).toBe(prefix);
      expect(read.finishReason).toBeNull();
      expect(read.error).toBeInstanceOf(OpenAI.APIError);
      const error = read.error as InstanceType<typeof OpenAI.APIError>;
      expect(error.error).toMatchObject({
        baton: {
          reason: chain === "baton/cut-forward" ? "truncated_stream" : "overloaded",
          kind: "partial-output",
        },
      });
    }
  });

  it("before any output, a failure is an HTTP error status, whatever the commit mode", async () => {
    for (const commit of ["forward", "hold"] as const) {
      const error = await streamed(`baton/down-${commit}`, commit).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    }
  });
});
