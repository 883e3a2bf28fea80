// Scaling: how session open time, append latency and turn overhead grow with the session's
// size (1k, 100k, 1M entries; a long-lived transcript with its latest compaction near the end)
// and with the number of sessions running turns or appending at once (1, 64, 512), all against
// the simulator on loopback. Turn overhead is a full turn through the runner (open, lease,
// appends, model call through the adapter and failover engine, turn end, trace) minus the same
// model request sent straight to the simulator with plain fetch. Writes bench/scaling.svg.
// `BATON_BENCH_SCALE=quick` runs 1k/10k/100k entries and fewer samples, and writes the chart
// to the temp folder instead.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../src/simulator/index.ts";
import { renderChart } from "./scaling/chart.ts";
import {
  type ConcurrencyResult,
  fsyncCost,
  measureConcurrency,
  measureSize,
  type SizeResult,
  warmUp,
} from "./scaling/measure.ts";
import { type BenchGoal, type BenchTable, percentile, ratio } from "./table.ts";

const quick = process.env.BATON_BENCH_SCALE === "quick";
const command = quick ? "BATON_BENCH_SCALE=quick npm run bench -- scaling" : "npm run bench -- scaling";
const sizes = quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000];
const concurrency = [1, 64, 512];
const sizePlan = quick ? { opens: 20, appends: 100, turns: 30 } : { opens: 200, appends: 1000, turns: 150 };
const concurrencyPlan = quick
  ? { turns: 200, appends: 600, minPerWorker: 2 }
  : { turns: 1000, appends: 4000, minPerWorker: 3 };
const chartPath = quick
  ? join(tmpdir(), "baton-scaling-quick.svg")
  : join(dirname(fileURLToPath(import.meta.url)), "scaling.svg");

const p50 = (sample: readonly number[]): number => percentile(sample, 50);
const p99 = (sample: readonly number[]): number => percentile(sample, 99);
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function entriesLabel(entries: number): string {
  return entries >= 1_000_000
    ? `${entries / 1_000_000}M`
    : entries >= 1_000
      ? `${entries / 1_000}k`
      : String(entries);
}

/** The largest size's p50 stays within 2x (or +1 ms, for sub-ms noise) of the smallest's. */
function flatGoal(
  name: string,
  results: readonly SizeResult[],
  value: (result: SizeResult) => number,
): BenchGoal {
  const first = results[0] as SizeResult;
  const last = results.at(-1) as SizeResult;
  const small = value(first);
  const large = value(last);
  return {
    name: `${name} does not grow with session size (p50)`,
    target: `${entriesLabel(last.entries)} entries <= 2x (or +1 ms) of ${entriesLabel(first.entries)}`,
    measured: `${small.toFixed(3)} ms -> ${large.toFixed(3)} ms (${ratio(large, small)})`,
    met: large <= Math.max(2 * small, small + 1),
  };
}

function sizeTables(results: readonly SizeResult[]): BenchTable[] {
  const largest = results.at(-1) as SizeResult;
  return [
    {
      title: "Scaling with session size: open and append (latest compaction near the end)",
      command,
      columns: [
        "entries",
        "file MiB",
        "open reads KiB",
        "open p50 ms",
        "open p99 ms",
        "append p50 ms",
        "append p99 ms",
        "verify ms (whole file)",
      ],
      rows: results.map((result) => [
        result.entries,
        mib(result.bytes),
        Math.round(result.openBytes / 1024),
        p50(result.open),
        p99(result.open),
        p50(result.append),
        p99(result.append),
        Math.round(result.verifyMs),
      ]),
      notes: [
        `Each session: turns of 4 entries (turn start, user, assistant, turn end), a note every 25 turns, and an append-only compaction 20 entries before the end that keeps the 40 entries before it, so open loads ${largest.contextEntries} entries whatever the size.`,
        `Open: ${sizePlan.opens} opens of the same session (page cache warm). Append: ${sizePlan.appends} single-note appends through one handle, durability turn-end (no fsync per append).`,
        `Generating the ${entriesLabel(largest.entries)}-entry transcript (${mib(largest.bytes)} MiB) took ${(largest.generateMs / 1000).toFixed(1)} s; verify (the only whole-file read) is the reference for what does grow with size.`,
        "![scaling chart](scaling.svg)",
      ],
      goals: [
        flatGoal("Session open time", results, (result) => p50(result.open)),
        flatGoal("Append latency", results, (result) => p50(result.append)),
      ],
    },
    {
      title:
        "Scaling with session size: turn overhead (turn through the runner minus the same request sent directly)",
      command,
      columns: [
        "entries",
        "turns",
        "turn p50 ms",
        "turn p99 ms",
        "direct p50 ms",
        "direct p99 ms",
        "overhead p50 ms",
        "overhead p99 ms",
        "turn / direct (p50)",
      ],
      rows: results.map((result) => [
        result.entries,
        result.turn.length,
        p50(result.turn),
        p99(result.turn),
        p50(result.direct),
        p99(result.direct),
        p50(result.turn) - p50(result.direct),
        p99(result.turn) - p99(result.direct),
        ratio(p50(result.turn), p50(result.direct)),
      ]),
      notes: [
        "A turn: open the session, take the turn lease (lease file replaced with fsync), append the user message, stream the answer through the adapter and failover engine, append it, end the turn (fsync, lease cleared), append the trace, close.",
        "Direct: the exact request body the turn sent, replayed to the simulator with plain fetch and a minimal SSE parser, right after each turn.",
        "Overhead = turn percentile minus direct percentile.",
        `The ${sizePlan.turns} measured turns (after 5 unmeasured ones and the appends above) all run on the generated session, so the context a turn sends grows by 2 messages per turn, the same at every size; only the file before the compaction differs.`,
      ],
      goals: [flatGoal("Turn overhead", results, (result) => p50(result.turn) - p50(result.direct))],
    },
  ];
}

function concurrencyTables(results: readonly ConcurrencyResult[]): BenchTable[] {
  return [
    {
      title: "Scaling with concurrent sessions: turns (each worker runs turns on its own session)",
      command,
      columns: [
        "sessions",
        "turns",
        "turn p50 ms",
        "turn p99 ms",
        "direct p50 ms",
        "direct p99 ms",
        "overhead p50 ms",
        "overhead p99 ms",
        "turns/s",
        "direct req/s",
        "turns/s vs direct",
        "CPU ms/turn",
        "CPU ms/direct",
      ],
      rows: results.map((result) => {
        const turnsPerSecond = result.turn.length / result.turnSeconds;
        const directPerSecond = result.direct.length / result.directSeconds;
        return [
          result.sessions,
          result.turn.length,
          p50(result.turn),
          p99(result.turn),
          p50(result.direct),
          p99(result.direct),
          p50(result.turn) - p50(result.direct),
          p99(result.turn) - p99(result.direct),
          Math.round(turnsPerSecond),
          Math.round(directPerSecond),
          ratio(turnsPerSecond, directPerSecond),
          result.turnCpuMs,
          result.directCpuMs,
        ];
      }),
      notes: [
        "Closed loop: N workers at once, each starting its next turn when its last one ends; then the same requests straight to the simulator with N workers.",
        "Each worker moves to a fresh (pre-created) session every 10 turns, so the context a turn sends is as small at 1 session as at 512.",
        "Client, runner and simulator share one Node process (2 cores here), so at high concurrency latency is mostly queueing: turns/s and CPU per turn are the figures that compare.",
        "CPU ms = the process's user + system CPU time (all threads, the simulator's share included) over the loop, divided by the operations in it.",
      ],
    },
    {
      title: "Scaling with concurrent sessions: appends (each worker appends to its own session)",
      command,
      columns: ["sessions", "appends", "p50 ms", "p99 ms", "appends/s", "CPU ms/append"],
      rows: results.map((result) => [
        result.sessions,
        result.append.length,
        p50(result.append),
        p99(result.append),
        Math.round(result.append.length / result.appendSeconds),
        result.appendCpuMs,
      ]),
      notes: [
        "Durability turn-end. Each append takes its session's append lock (a temp file created, linked into place and unlinked; the lock re-read before the write and before release), reads the header and whatever others appended since, and writes one line: about 20 file-system calls, most of the cost being kernel time.",
      ],
    },
  ];
}

function chart(bySize: readonly SizeResult[], byConcurrency: readonly ConcurrencyResult[]): string {
  const colors = { open: "#1f77b4", append: "#2ca02c", overhead: "#d62728", direct: "#7f7f7f" };
  return renderChart(
    [
      {
        title: "By session size (p50)",
        xLabel: "entries in the session (log scale)",
        yLabel: "ms",
        xs: bySize.map((result) => result.entries),
        xTickLabels: bySize.map((result) => entriesLabel(result.entries)),
        xCaptions: bySize.map((result) => `${mib(result.bytes)} MiB`),
        series: [
          { name: "session open", color: colors.open, values: bySize.map((result) => p50(result.open)) },
          { name: "append", color: colors.append, values: bySize.map((result) => p50(result.append)) },
          {
            name: "turn overhead",
            color: colors.overhead,
            values: bySize.map((result) => p50(result.turn) - p50(result.direct)),
          },
        ],
      },
      {
        title: "By concurrent sessions (p50)",
        xLabel: "sessions at once (log scale)",
        yLabel: "ms",
        xs: byConcurrency.map((result) => result.sessions),
        xTickLabels: byConcurrency.map((result) => String(result.sessions)),
        xCaptions: byConcurrency.map(
          (result) => `${Math.round(result.turn.length / result.turnSeconds)} turns/s`,
        ),
        series: [
          {
            name: "turn overhead",
            color: colors.overhead,
            values: byConcurrency.map((result) => p50(result.turn) - p50(result.direct)),
          },
          {
            name: "same request, direct",
            color: colors.direct,
            values: byConcurrency.map((result) => p50(result.direct)),
          },
          { name: "append", color: colors.append, values: byConcurrency.map((result) => p50(result.append)) },
        ],
      },
    ],
    `Baton scaling, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}; p99 and throughput in bench/RESULTS.md. Reproduce: ${command}`,
  );
}

export async function run(): Promise<BenchTable[]> {
  const root = await mkdtemp(join(tmpdir(), "baton-scaling-"));
  const simulator = await startSimulator();
  try {
    await warmUp(simulator, root, quick ? 20 : 40);
    const fsync = await fsyncCost(root, 100);
    const bySize: SizeResult[] = [];
    for (const entries of sizes) {
      console.error(`  scaling: ${entriesLabel(entries)} entries ...`);
      bySize.push(await measureSize(simulator, root, entries, sizePlan));
      simulator.reset();
    }
    const byConcurrency: ConcurrencyResult[] = [];
    for (const sessions of concurrency) {
      console.error(`  scaling: ${sessions} concurrent sessions ...`);
      byConcurrency.push(await measureConcurrency(simulator, root, sessions, concurrencyPlan));
      simulator.reset();
    }
    await writeFile(chartPath, chart(bySize, byConcurrency));
    console.error(`  scaling: chart written to ${chartPath}`);
    const tables = [...sizeTables(bySize), ...concurrencyTables(byConcurrency)];
    const disk = `This disk: a small append + fsync takes ${p50(fsync).toFixed(2)} ms p50, ${p99(fsync).toFixed(2)} ms p99 (${fsync.length} runs in ${tmpdir()}).`;
    return tables.map((table) => ({ ...table, notes: [...(table.notes ?? []), disk] }));
  } finally {
    await simulator.close();
    await rm(root, { recursive: true, force: true });
  }
}
