// Failover over real HTTP against the simulator: the time from the quota 429's response
// reaching Baton to the next provider's request leaving (adapter + classifier + decide +
// health), and how many requests an exhausted provider receives per turn.
import { performance } from "node:perf_hooks";
import { validateConfig } from "../src/config/load-config.ts";
import { resolveRuntime } from "../src/config/resolve-runtime.ts";
import { classify } from "../src/failover/classify.ts";
import { runWithFailover } from "../src/failover/engine.ts";
import { MemoryHealthRegistry } from "../src/health/memory-health-registry.ts";
import { createSdkModelCaller } from "../src/providers/sdk-model-caller.ts";
import { startSimulator } from "../src/simulator/index.ts";
import { type BenchTable, percentile } from "./table.ts";

const turns = Number(process.env.BATON_BENCH_TURNS ?? 2000);

export async function run(): Promise<BenchTable[]> {
  const simulator = await startSimulator({
    scenario: {
      faults: [
        { match: { provider: "openai" }, fault: { kind: "http-error", error: "openai.usage_limit_reached" } },
      ],
    },
  });
  try {
    const config = validateConfig("bench", {
      providers: {
        openai: {
          api: "openai-chat",
          baseUrl: simulator.baseUrl("openai", "openai-chat"),
          credentials: [{ id: "work", apiKey: "k1" }],
        },
        deepseek: {
          api: "openai-chat",
          baseUrl: simulator.baseUrl("deepseek", "openai-chat"),
          credentials: [{ id: "main", apiKey: "k2" }],
        },
      },
      chains: { default: ["openai/gpt-5.5", "openai/gpt-5.4-mini", "deepseek/deepseek-v4-pro"] },
    });
    const runtime = resolveRuntime("bench", config, {});
    let quotaArrivedAt = 0;
    const gaps: number[] = [];
    const timedFetch: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (quotaArrivedAt !== 0 && url.includes("/deepseek/")) {
        gaps.push(performance.now() - quotaArrivedAt);
        quotaArrivedAt = 0;
      }
      const response = await fetch(input, init);
      if (response.status === 429) quotaArrivedAt = performance.now();
      return response;
    };
    const caller = createSdkModelCaller({
      endpoints: runtime.endpoints,
      apiKey: runtime.apiKey,
      fetch: timedFetch,
    });
    const openaiPerTurn: number[] = [];
    for (let turn = 0; turn < turns; turn += 1) {
      // A fresh registry per turn measures the first-turn path (the 429 really arrives) every time;
      // one turn on a shared registry afterwards shows the exhausted provider gets nothing.
      const before = simulator.log().filter((entry) => entry.provider === "openai").length;
      await runWithFailover({
        chain: runtime.chain(),
        policy: runtime.policy,
        health: new MemoryHealthRegistry(),
        caller,
        classify,
        request: { messages: [{ role: "user", content: "hi" }] },
      });
      openaiPerTurn.push(simulator.log().filter((entry) => entry.provider === "openai").length - before);
      if (turn % 200 === 199) simulator.reset();
    }
    const shared = new MemoryHealthRegistry();
    const counts: number[] = [];
    for (let turn = 0; turn < 3; turn += 1) {
      simulator.reset();
      await runWithFailover({
        chain: runtime.chain(),
        policy: runtime.policy,
        health: shared,
        caller,
        classify,
        request: { messages: [{ role: "user", content: "hi" }] },
      });
      counts.push(simulator.log().filter((entry) => entry.provider === "openai").length);
    }
    const gapP50 = percentile(gaps, 50);
    const gapP99 = percentile(gaps, 99);
    const fresh = [...new Set(openaiPerTurn)];
    return [
      {
        title: "Quota 429 to the next provider's request, over HTTP (simulator on loopback)",
        command: "npm run bench -- failover-http",
        columns: ["measure", "samples", "p50 ms", "p99 ms"],
        rows: [
          [
            "429 response arrives -> DeepSeek request leaves",
            gaps.length,
            percentile(gaps, 50),
            percentile(gaps, 99),
          ],
        ],
        notes: [
          `Goal: under 1 ms at p50/p99. Includes adapter fact recording, classify(), decide(), health update and the skip of openai/gpt-5.4-mini.`,
          `Requests to OpenAI per fresh turn: always ${[...new Set(openaiPerTurn)].join(", ")} (goal: 1).`,
          `Requests to OpenAI on three consecutive turns sharing health: ${counts.join(", ")} (goal: 1, then 0 until the reset).`,
        ],
        goals: [
          {
            name: "Quota 429 to the next provider's request, over HTTP (p50 / p99)",
            target: "< 1 ms",
            measured: `${gapP50.toFixed(3)} ms / ${gapP99.toFixed(3)} ms`,
            met: gapP50 < 1 && gapP99 < 1,
          },
          {
            name: "Requests to an exhausted provider per turn, over HTTP",
            target: "1 on a fresh turn; 1, then 0 on turns sharing health",
            measured: `fresh turns: ${fresh.join(", ")}; shared: ${counts.join(", ")}`,
            met:
              fresh.length === 1 &&
              fresh[0] === 1 &&
              counts[0] === 1 &&
              counts.slice(1).every((n) => n === 0),
          },
        ],
      },
    ];
  } finally {
    await simulator.close();
  }
}
