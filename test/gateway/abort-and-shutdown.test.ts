// A client that goes away takes its upstream request with it (the simulator sees the
// connection close), streaming or not; and a gateway told to stop drains: turns in flight
// finish within the bound, a turn past the bound ends with an error event (not a truncated
// success), and no new request is served meanwhile.
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { type GatewayFixture, readStream, startGatewayFixture } from "./harness.ts";

let fixture: GatewayFixture;

beforeEach(async () => {
  fixture = await startGatewayFixture({
    chains: { slow: ["openai/gpt-slow"], slower: ["openai/gpt-slower"] },
    scenario: {
      models: {
        // 21 words: about 0.6 s and 4 s per answer.
        "gpt-slow": { tokenDelayMs: 30 },
        "gpt-slower": { tokenDelayMs: 200 },
      },
    },
  });
});
afterEach(async () => {
  await fixture.close();
});

const messages = [{ role: "user" as const, content: "What does Baton do?" }];

async function inFlight(): Promise<number> {
  const health = (await (await fetch(`${fixture.url}/healthz`)).json()) as { inFlight: number };
  return health.inFlight;
}

describe("a client that goes away", () => {
  it("closes the upstream stream when the client stops reading", async () => {
    const stream = await fixture.client.chat.completions.create({
      model: "baton/slower",
      messages,
      stream: true,
    });
    let chunks = 0;
    for await (const _chunk of stream) {
      chunks += 1;
      if (chunks === 2) break; // the openai client aborts its request here
    }
    await vi.waitFor(() => expect(fixture.simulator.log()[0]?.closedByClient).toBe(true), { timeout: 5_000 });
    await vi.waitFor(async () => expect(await inFlight()).toBe(0), { timeout: 5_000 });
  });

  it("closes the upstream request when a non-streaming client aborts", async () => {
    const controller = new AbortController();
    const call = fixture.client.chat.completions.create(
      { model: "baton/slower", messages },
      { signal: controller.signal },
    );
    await vi.waitFor(() => expect(fixture.simulator.log()).toHaveLength(1), { timeout: 5_000 });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await vi.waitFor(() => expect(fixture.simulator.log()[0]?.closedByClient).toBe(true), { timeout: 5_000 });
    await vi.waitFor(async () => expect(await inFlight()).toBe(0), { timeout: 5_000 });
  });
});

describe("graceful shutdown", () => {
  it("lets a turn in flight finish within the bound and serves nothing new", async () => {
    const stream = await fixture.client.chat.completions.create({
      model: "baton/slow",
      messages,
      stream: true,
    });
    const reading = readStream(stream);
    const closing = fixture.gateway.close({ drainMs: 10_000 });
    const late = await fetch(`${fixture.url}/v1/chat/completions`, { method: "POST", body: "{}" }).then(
      (response) => response.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(late);
    const read = await reading;
    expect(read.error).toBeUndefined();
    expect(read.text).toBe(canonicalReplyText);
    expect(await closing).toEqual({ completed: 1, aborted: 0 });
  });

  it("aborts a turn past the bound: its stream ends with an error, and upstream is closed", async () => {
    const stream = await fixture.client.chat.completions.create({
      model: "baton/slower",
      messages,
      stream: true,
    });
    const reading = readStream(stream);
    await vi.waitFor(() => expect(fixture.simulator.log()).toHaveLength(1), { timeout: 5_000 });
    const report = await fixture.gateway.close({ drainMs: 100 });
    expect(report).toEqual({ completed: 0, aborted: 1 });
    const read = await reading;
    expect(read.finishReason).toBeNull();
    expect(read.text).not.toBe(canonicalReplyText);
    expect(read.error).toBeInstanceOf(OpenAI.APIError);
    expect((read.error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      baton: { reason: "aborted", scope: "runtime" },
    });
    await vi.waitFor(() => expect(fixture.simulator.log()[0]?.closedByClient).toBe(true), { timeout: 5_000 });
  });
});
