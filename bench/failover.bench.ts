// Failover overhead, in process (no HTTP): the cost of one decide() call, the time from a
// provider's quota 429 reaching the engine to the next provider's request leaving (with the
// memory and the file-backed health registry), and how many requests an exhausted provider
// receives per turn. The HTTP version of the 429-to-next-request measurement runs against the
// simulator (a later benchmark).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandCandidates, type ResolvedChain } from "../src/failover/chain.ts";
import type { Clock } from "../src/failover/clock.ts";
import { decide } from "../src/failover/decide.ts";
import { runWithFailover } from "../src/failover/engine.ts";
import type { Failure } from "../src/failover/failure.ts";
import { resolvePolicy } from "../src/failover/policy.ts";
import type { StepState } from "../src/failover/step-state.ts";
import { FileHealthRegistry } from "../src/health/file-health-registry.ts";
import type { HealthRegistry } from "../src/health/health-registry.ts";
import { MemoryHealthRegistry } from "../src/health/memory-health-registry.ts";
import type { ModelCaller, ModelStreamEvent, ModelTarget } from "../src/providers/model-stream.ts";
import type { ProviderFailure } from "../src/providers/provider-failure.ts";
import { type BenchTable, percentile } from "./table.ts";

const command = "npm run bench -- failover";

function chain(openaiCredentials: readonly string[]): ResolvedChain {
  return {
    name: "bench",
    providers: [
      { id: "openai", api: "openai-chat", credentials: openaiCredentials.map((id) => ({ id })) },
      { id: "deepseek", api: "openai-chat", credentials: [{ id: "deepseek:main" }] },
    ],
    candidates: [
      { provider: "openai", model: "gpt-5.5" },
      { provider: "openai", model: "gpt-5.4-mini" },
      { provider: "deepseek", model: "deepseek-v4-pro" },
    ],
  };
}

const quota = (resetAt: number): Failure => ({
  reason: "quota_exhausted",
  scope: "credential",
  message: "429 usage_limit_reached",
  resetAt,
});

/** OpenAI answers every request with a quota 429; DeepSeek answers. Records when the 429 left the adapter. */
class QuotaCaller implements ModelCaller {
  failedAt = 0n;
  readonly gaps: number[] = [];
  openaiRequests = 0;

  async *stream(target: ModelTarget): AsyncIterable<ModelStreamEvent> {
    if (target.provider === "openai") {
      this.openaiRequests += 1;
      const failure: ProviderFailure = {
        provider: target.provider,
        api: target.api,
        model: target.model,
        credentialId: target.credentialId,
        status: 429,
        outputReachedCaller: false,
        message: "usage_limit_reached",
      };
      this.failedAt = process.hrtime.bigint();
      yield { type: "failure", failure };
      return;
    }
    if (this.failedAt !== 0n) this.gaps.push(Number(process.hrtime.bigint() - this.failedAt) / 1_000);
    this.failedAt = 0n;
    yield { type: "text-delta", text: "hello" };
    yield { type: "finish", finishReason: "stop", usage: { inputTokens: 10, outputTokens: 1 } };
  }
}

/** A clock that only moves when told; its sleeps end only when aborted (these turns never wait). */
function frozenClock(start: number): Clock & { set(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => {
      now = ms;
    },
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
  };
}

function decideCost(runs: number): number[] {
  const targets = expandCandidates(chain(["openai:work", "openai:personal"]));
  const now = Date.UTC(2026, 0, 15, 13);
  const failure = quota(now + 3_600_000);
  const state: StepState = {
    targets,
    policy: resolvePolicy(),
    health: new Map(),
    owner: "bench",
    deadlineAt: now + 120_000,
    attempts: [{ targetIndex: 0, startedAt: now, failure }],
    random: 0.5,
  };
  const sample: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    decide(state, failure, now);
    sample.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  return sample;
}

async function quotaToNextRequest(runs: number, registry: () => HealthRegistry): Promise<number[]> {
  const caller = new QuotaCaller();
  const classify = (): Failure => quota(Date.now() + 3_600_000);
  for (let run = 0; run < runs; run += 1) {
    await runWithFailover({
      chain: chain(["openai:work"]),
      health: registry(),
      caller,
      classify,
      request: { messages: [{ role: "user", content: "hi" }] },
    });
  }
  return caller.gaps;
}

async function requestsPerTurn(credentials: readonly string[]): Promise<number[]> {
  const clock = frozenClock(Date.UTC(2026, 0, 15, 13));
  const resetAt = clock.now() + 3_600_000;
  const caller = new QuotaCaller();
  const health = new MemoryHealthRegistry();
  const perTurn: number[] = [];
  for (let turn = 0; turn < 12; turn += 1) {
    if (turn === 11) clock.set(resetAt + 1);
    const before = caller.openaiRequests;
    await runWithFailover({
      chain: chain(credentials),
      health,
      caller,
      classify: () => quota(resetAt + (turn === 11 ? 3_600_000 : 0)),
      request: { messages: [{ role: "user", content: "hi" }] },
      clock,
    });
    perTurn.push(caller.openaiRequests - before);
    clock.set(clock.now() + 60_000);
  }
  return perTurn;
}

function row(name: string, sample: readonly number[]): (string | number)[] {
  return [name, percentile(sample, 50), percentile(sample, 99), sample.length];
}

export async function run(): Promise<BenchTable[]> {
  decideCost(2_000); // warm up
  const decideSample = decideCost(20_000);
  await quotaToNextRequest(500, () => new MemoryHealthRegistry());
  const memorySample = await quotaToNextRequest(5_000, () => new MemoryHealthRegistry());
  const folder = await mkdtemp(join(tmpdir(), "baton-bench-"));
  let fileSample: number[];
  try {
    let index = 0;
    fileSample = await quotaToNextRequest(
      500,
      () => new FileHealthRegistry({ path: join(folder, `health-${index++}.json`) }),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const oneCredential = await requestsPerTurn(["openai:work"]);
  const twoCredentials = await requestsPerTurn(["openai:work", "openai:personal"]);
  const memoryP99 = percentile(memorySample, 99);
  const fileP99 = percentile(fileSample, 99);
  const perTurnGoal = (label: string, perTurn: readonly number[], first: number) => ({
    name: `Requests to an exhausted provider per turn (${label})`,
    target: `${first} on turn 1, then 0 until the reset`,
    measured: `${perTurn[0] ?? 0}, then ${perTurn.slice(1, 11).join(" ")}; ${perTurn[11] ?? 0} after the reset`,
    met: perTurn[0] === first && perTurn.slice(1, 11).every((count) => count === 0),
  });
  return [
    {
      title: "Failover overhead (in process, scripted caller)",
      command,
      columns: ["measure", "p50 (µs)", "p99 (µs)", "runs"],
      rows: [
        row("decide() after a quota 429 (3 candidates, 2 credentials)", decideSample),
        row("quota 429 reaches the engine -> next provider's request starts (memory registry)", memorySample),
        row(
          "quota 429 reaches the engine -> next provider's request starts (file registry, write-behind)",
          fileSample,
        ),
      ],
      notes: [
        "Goal: the 429-to-next-request time under 1 ms (1000 µs) at p99.",
        "Each turn starts on a fresh registry, so OpenAI is tried (and fails) every time.",
        "The file registry records the cooldown in memory at once and writes the file behind the next request.",
      ],
      goals: [
        {
          name: "Quota 429 to the next provider's request, in process (memory registry, p99)",
          target: "< 1 ms",
          measured: `${(memoryP99 / 1000).toFixed(3)} ms`,
          met: memoryP99 < 1000,
        },
        {
          name: "Quota 429 to the next provider's request, in process (file registry, p99)",
          target: "< 1 ms",
          measured: `${(fileP99 / 1000).toFixed(3)} ms`,
          met: fileP99 < 1000,
        },
      ],
    },
    {
      title: "Requests sent to an exhausted provider, per turn",
      command,
      columns: ["chain", "turn 1", "turns 2-11 (before reset)", "turn 12 (after reset)"],
      rows: [
        [
          "openai x1 credential -> openai mini -> deepseek",
          oneCredential[0] ?? 0,
          oneCredential.slice(1, 11).join(" "),
          oneCredential[11] ?? 0,
        ],
        [
          "openai x2 credentials -> openai mini -> deepseek",
          twoCredentials[0] ?? 0,
          twoCredentials.slice(1, 11).join(" "),
          twoCredentials[11] ?? 0,
        ],
      ],
      notes: [
        "Goal: one request per credential on the first turn, then none until the reset time the provider gave.",
        "Turns are a minute apart on a fake clock; the provider's reset is an hour after the first 429.",
      ],
      goals: [perTurnGoal("1 credential", oneCredential, 1), perTurnGoal("2 credentials", twoCredentials, 2)],
    },
  ];
}
