// The corpus score: correct reason / scope / wait out of total, per provider and per kind,
// rendered as a plain-text table for the test output.
import type { LoadedCase } from "./load-cases.ts";
import type { Verdict } from "./replay-judge.ts";

interface Row {
  total: number;
  reason: number;
  scope: number;
  wait: number;
  all: number;
}

function emptyRow(): Row {
  return { total: 0, reason: 0, scope: 0, wait: 0, all: 0 };
}

function add(row: Row, verdict: Verdict): void {
  row.total += 1;
  row.reason += Number(verdict.reasonOk);
  row.scope += Number(verdict.scopeOk);
  row.wait += Number(verdict.waitOk);
  row.all += Number(verdict.reasonOk && verdict.scopeOk && verdict.waitOk);
}

function render(title: string, rows: Map<string, Row>, total: Row): string {
  const header = [title, "cases", "reason", "scope", "wait", "all three"];
  const lines = [
    ...[...rows.entries()].sort(([a], [b]) => a.localeCompare(b)),
    ["TOTAL", total] as const,
  ].map(([name, row]) => [
    name,
    String(row.total),
    `${row.reason}/${row.total}`,
    `${row.scope}/${row.total}`,
    `${row.wait}/${row.total}`,
    `${row.all}/${row.total}`,
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [format(header), rule, ...lines.map(format)].join("\n");
}

export function scoreTables(results: ReadonlyMap<string, { entry: LoadedCase; verdict: Verdict }>): string {
  const byProvider = new Map<string, Row>();
  const byKind = new Map<string, Row>();
  const total = emptyRow();
  for (const { entry, verdict } of results.values()) {
    for (const [map, key] of [
      [byProvider, entry.provider],
      [byKind, entry.kind],
    ] as const) {
      let row = map.get(key);
      if (row === undefined) {
        row = emptyRow();
        map.set(key, row);
      }
      add(row, verdict);
    }
    add(total, verdict);
  }
  return `${render("provider", byProvider, total)}\n\n${render("kind", byKind, total)}`;
}
