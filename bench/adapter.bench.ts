// Adapter overhead: the same streamed chat completion against the simulator, once through
// Baton's adapter (AI SDK doStream + timers + fact recording) and once with plain fetch and a
// minimal SSE parser, interleaved in one process so both see the same machine state.
import { performance } from "node:perf_hooks";
import { resolveEndpoint } from "../src/providers/provider-endpoint.ts";
import { createSdkModelCaller } from "../src/providers/sdk-model-caller.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { readChatStreamText } from "./plain-sse.ts";
import { type BenchTable, percentile, ratio } from "./table.ts";

const calls = Number(process.env.BATON_BENCH_CALLS ?? 2000);
const warmup = 200;

async function plainFetchCall(url: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench-key" },
    body: JSON.stringify({
      model: "bench-model",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  return readChatStreamText(response.body as AsyncIterable<Uint8Array>);
}

export async function run(): Promise<BenchTable[]> {
  const simulator = await startSimulator();
  try {
    const endpoint = resolveEndpoint({
      id: "deepseek",
      baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
    });
    const caller = createSdkModelCaller({ endpoints: [endpoint], apiKey: () => "bench-key" });
    const target = {
      provider: "deepseek",
      api: "openai-chat" as const,
      model: "bench-model",
      credentialId: "bench",
    };
    const plainUrl = `${simulator.baseUrl("deepseek", "openai-chat")}/chat/completions`;
    const adapterCall = async (): Promise<string> => {
      let text = "";
      for await (const event of caller.stream(target, { messages: [{ role: "user", content: "hi" }] })) {
        if (event.type === "text-delta") text += event.text;
        if (event.type === "failure") throw new Error(event.failure.message);
      }
      return text;
    };
    const adapterMs: number[] = [];
    const plainMs: number[] = [];
    for (let index = 0; index < warmup + calls; index += 1) {
      // Alternate which goes first so neither always runs on a warmer machine.
      const order = index % 2 === 0 ? ["adapter", "plain"] : ["plain", "adapter"];
      for (const which of order) {
        const started = performance.now();
        const text = which === "adapter" ? await adapterCall() : await plainFetchCall(plainUrl);
        const elapsed = performance.now() - started;
        if (text.length === 0) throw new Error(`${which} call returned no text`);
        if (index >= warmup) (which === "adapter" ? adapterMs : plainMs).push(elapsed);
      }
      if (index % 100 === 0) simulator.reset();
    }
    const p50Added = percentile(adapterMs, 50) - percentile(plainMs, 50);
    const p99Added = percentile(adapterMs, 99) - percentile(plainMs, 99);
    return [
      {
        title: "Adapter overhead per streamed call (OpenAI Chat Completions on loopback)",
        command: "npm run bench -- adapter",
        columns: ["path", "calls", "p50 ms", "p99 ms", "p50 vs plain fetch", "p99 vs plain fetch"],
        rows: [
          [
            "plain fetch + SSE parsing",
            plainMs.length,
            percentile(plainMs, 50),
            percentile(plainMs, 99),
            "1.00x",
            "1.00x",
          ],
          [
            "Baton adapter (AI SDK doStream)",
            adapterMs.length,
            percentile(adapterMs, 50),
            percentile(adapterMs, 99),
            ratio(percentile(adapterMs, 50), percentile(plainMs, 50)),
            ratio(percentile(adapterMs, 99), percentile(plainMs, 99)),
          ],
          ["added by the adapter", "", p50Added, p99Added, "", ""],
        ],
        notes: [`Goal: under 0.3 ms added at p50. Measured: ${p50Added.toFixed(3)} ms.`],
        goals: [
          {
            name: "Adapter overhead vs plain fetch (p50 added per streamed call)",
            target: "< 0.3 ms",
            measured: `${p50Added.toFixed(3)} ms (${ratio(percentile(adapterMs, 50), percentile(plainMs, 50))} of plain fetch)`,
            met: p50Added < 0.3,
          },
        ],
      },
    ];
  } finally {
    await simulator.close();
  }
}
