// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or the named ones), prints each
// table as Markdown and, for a full run, writes bench/RESULTS.md: the machine, Node version,
// date and commit, a summary of every goal the benchmarks check (met or not), then each area's
// tables with the command that reproduces them. A benchmark that fails to load or run is
// recorded as "failed: <message>" in its place and in the summary, and the run exits 1; the
// other benchmarks still run.
import { execFileSync } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import { cpus, release, totalmem, type } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchGoal, type BenchTable, renderTable } from "./table.ts";

interface Outcome {
  readonly name: string;
  readonly tables: readonly BenchTable[];
  readonly seconds: number;
  readonly error?: string;
}

/** Goals the project states; the summary says so when no benchmark in the run reported one. */
const expectedGoals: readonly {
  readonly name: string;
  readonly match: RegExp;
  readonly target: string;
  /** The benchmark that measures it. */
  readonly bench: string;
}[] = [
  {
    name: "Adapter overhead vs plain fetch (p50)",
    match: /adapter overhead/i,
    target: "< 0.3 ms",
    bench: "adapter",
  },
  { name: "Quota 429 to the next provider's request", match: /429/, target: "< 1 ms", bench: "failover" },
  {
    name: "Requests to an exhausted provider per turn",
    match: /exhausted provider/i,
    target: "1, then 0",
    bench: "failover",
  },
  { name: "Open a 100 MB transcript", match: /100 MB/i, target: "< 50 ms", bench: "session" },
  {
    name: "Gateway vs Portkey (side by side)",
    match: /portkey/i,
    target: "ratios in its tables",
    bench: "gateway",
  },
];

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((file) => file.endsWith(".bench.ts")).sort();
const selected =
  wanted.length === 0 ? files : files.filter((file) => wanted.includes(basename(file, ".bench.ts")));
if (selected.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(", ")}; have: ${files.map((f) => basename(f, ".bench.ts")).join(", ")}`,
  );
  process.exit(2);
}

const quiet: ["ignore", "pipe", "ignore"] = ["ignore", "pipe", "ignore"];

/** The commit the results were measured on, when this is a git checkout. */
function commit(): string | undefined {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: here,
      encoding: "utf8",
      stdio: quiet,
    }).trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain"], { cwd: here, encoding: "utf8", stdio: quiet }).trim() !==
      "";
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return undefined;
  }
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0] ?? text;
}

const outcomes: Outcome[] = [];
for (const file of selected) {
  const name = basename(file, ".bench.ts");
  console.error(`running ${file} ...`);
  const started = performance.now();
  try {
    const module = (await import(join(here, file))) as { run?: () => Promise<BenchTable[]> };
    if (typeof module.run !== "function") throw new Error(`${file} does not export run()`);
    const tables = await module.run();
    for (const table of tables) console.log(renderTable(table));
    outcomes.push({ name, tables, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    console.error(`${file} failed:`, error);
    outcomes.push({ name, tables: [], seconds: (performance.now() - started) / 1000, error: message(error) });
    process.exitCode = 1;
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function summary(): string[] {
  const goals: { goal: BenchGoal; name: string }[] = outcomes.flatMap((outcome) =>
    outcome.tables.flatMap((table) => (table.goals ?? []).map((goal) => ({ goal, name: outcome.name }))),
  );
  const rows = goals.map(
    ({ goal, name }) =>
      `| ${cell(goal.name)} | ${cell(goal.target)} | ${cell(goal.measured)} | ${goal.met ? "met" : "**NOT met**"} | \`npm run bench -- ${name}\` |`,
  );
  for (const expected of expectedGoals) {
    if (goals.some(({ goal }) => expected.match.test(goal.name))) continue;
    const outcome = outcomes.find((candidate) => candidate.name === expected.bench);
    const why =
      outcome === undefined
        ? `not measured: bench/${expected.bench}.bench.ts is not in this run`
        : outcome.error !== undefined
          ? `not measured: ${expected.bench} failed (below)`
          : `measured in the ${expected.bench} tables below; that bench reports no structured goal`;
    const reproduce = outcome === undefined ? "" : `\`npm run bench -- ${expected.bench}\``;
    rows.push(`| ${cell(expected.name)} | ${cell(expected.target)} | ${why} | n/a | ${reproduce} |`);
  }
  const failed = outcomes.filter((outcome) => outcome.error !== undefined);
  const met = goals.filter(({ goal }) => goal.met).length;
  return [
    "## Summary",
    "",
    `${met} of ${goals.length} goals met${failed.length === 0 ? "" : `; ${failed.length} benchmark(s) failed`}.`,
    "",
    "| goal | target | measured | status | reproduce |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...failed.map((outcome) => `- **${outcome.name}: failed: ${outcome.error}**`),
    ...(failed.length === 0 ? [] : [""]),
  ];
}

for (const line of summary()) console.error(line);

if (wanted.length === 0) {
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  const settings = Object.entries(process.env)
    .filter(([key]) => key.startsWith("BATON_BENCH_"))
    .map(([key, value]) => `${key}=${value}`);
  const revision = commit();
  const sections: string[] = [
    "# Baton benchmark results",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine}, ${type()} ${release()}`,
    `- Node: ${process.version}`,
    ...(revision === undefined ? [] : [`- Commit: ${revision}`]),
    ...(settings.length === 0 ? [] : [`- Settings: ${settings.join(" ")}`]),
    "- Reproduce everything: `npm run bench`; one area: `npm run bench -- NAME` (the command is under each table).",
    "",
    ...summary(),
  ];
  for (const outcome of outcomes) {
    sections.push(
      `## ${outcome.name} (\`npm run bench -- ${outcome.name}\`, ${outcome.seconds.toFixed(0)} s)`,
      "",
    );
    if (outcome.error !== undefined) sections.push(`failed: ${outcome.error}`, "");
    for (const table of outcome.tables) sections.push(renderTable(table));
  }
  await writeFile(join(here, "RESULTS.md"), `${sections.join("\n").trimEnd()}\n`);
  console.error(`wrote ${join(here, "RESULTS.md")}`);
}
