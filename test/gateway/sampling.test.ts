// A client's sampling settings (temperature, top_p, seed, stop) reach the provider that answers,
// in that provider's own form, and the fallback gets them too: a client that asked for
// temperature 0 is not silently served at the provider's default. Streamed and not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./harness.ts";

const hello = [{ role: "user" as const, content: "What does Baton do?" }];
let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({
    // Models that take sampling settings: the AI SDK drops temperature and top_p (with a warning)
    // for models their provider refuses them on, such as OpenAI's reasoning models (gpt-5.x) and
    // the newest Claude models.
    chains: { default: ["openai/gpt-4.1", "anthropic/claude-sonnet-4-6"] },
    policy: { maxRetriesPerTarget: 0 },
    scenario: {
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.server_error_500" } },
      ],
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

describe.each([false, true])("sampling settings (stream: %s)", (stream) => {
  it("reach the primary and the fallback that answers", async () => {
    fixture.simulator.reset();
    const request = {
      model: "baton/default",
      messages: hello,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: ["END"],
    };
    let text = "";
    if (stream) {
      const chunks = await fixture.client.chat.completions.create({ ...request, stream: true });
      for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? "";
    } else {
      const completion = await fixture.client.chat.completions.create(request);
      text = completion.choices[0]?.message.content ?? "";
    }
    expect(text).toBe(canonicalReplyText);
    const [openai, anthropic] = fixture.simulator.log();
    expect(openai?.provider).toBe("openai");
    expect(openai?.sampling).toEqual({ temperature: 0.2, topP: 0.9, seed: 7, stop: ["END"] });
    // Anthropic has no seed; its stop sequences are `stop_sequences`.
    expect(anthropic?.provider).toBe("anthropic");
    expect(anthropic?.sampling).toMatchObject({ temperature: 0.2, stop: ["END"] });
  });
});

it("sends no sampling setting the client did not give", async () => {
  fixture.simulator.reset();
  await fixture.client.chat.completions.create({ model: "baton/default", messages: hello });
  expect(fixture.simulator.log().map((entry) => entry.sampling)).toEqual([undefined, undefined]);
});

describe("reasoning_effort", () => {
  it("reaches a reasoning model as its effort and the fallback as thinking", async () => {
    fixture.simulator.reset();
    const completion = await fixture.client.chat.completions.create({
      model: "openai/gpt-5.5",
      // @ts-expect-error Baton's extension: models tried after `model`
      fallbacks: ["anthropic/claude-sonnet-4-6"],
      messages: hello,
      reasoning_effort: "low",
    });
    expect(completion.model).toBe("anthropic/claude-sonnet-4-6");
    expect(fixture.simulator.log().map((entry) => [entry.provider, entry.reasoning])).toEqual([
      ["openai", "low"],
      ["anthropic", "thinking"],
    ]);
  });

  it("refuses an effort no provider knows, naming the field and the choices", async () => {
    const error = await fixture.client.chat.completions
      .create({
        model: "baton/default",
        messages: hello,
        // @ts-expect-error not an OpenAI effort
        reasoning_effort: "extreme",
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400 });
    expect(String((error as Error).message)).toMatch(/reasoning_effort.*"?none"?.*"?xhigh"?/s);
  });
});
