// The shape every benchmark returns, and how bench/run.ts prints it. A benchmark module
// under bench/ exports `run(): Promise<BenchTable[]>`.

/** One goal a table checks, for the summary at the top of RESULTS.md. */
export interface BenchGoal {
  /** What is measured, e.g. "Adapter overhead at p50". */
  readonly name: string;
  /** The target as text, e.g. "< 0.3 ms". */
  readonly target: string;
  /** The measured figure as text, e.g. "0.21 ms". */
  readonly measured: string;
  readonly met: boolean;
}

export interface BenchTable {
  readonly title: string;
  /** The command that reproduces this table. */
  readonly command: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Free-text notes printed under the table (goal, ratio, caveats). */
  readonly notes?: readonly string[];
  /** Goals this table checks; bench/run.ts lists them all in the summary. */
  readonly goals?: readonly BenchGoal[];
}

/** Percentile (0..100) of an unsorted sample, nearest-rank. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

function cell(value: string | number): string {
  return typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
}

/** `a / b` as a ratio cell, e.g. "1.84x". */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : "n/a";
}

/** Renders a table as GitHub-flavoured Markdown. */
export function renderTable(table: BenchTable): string {
  const header = `| ${table.columns.join(" | ")} |`;
  const rule = `| ${table.columns.map(() => "---").join(" | ")} |`;
  const rows = table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`);
  const notes = (table.notes ?? []).map((note) => `- ${note}`);
  return [
    `### ${table.title}`,
    "",
    header,
    rule,
    ...rows,
    "",
    ...notes,
    `Reproduce: \`${table.command}\``,
    "",
  ].join("\n");
}
