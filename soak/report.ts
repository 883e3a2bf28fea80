// Prints a run's results: one table row per invariant (PASS/FAIL, how much was checked, how
// many violations), the first violations of each failing one, the notes, and the run's
// numbers. Pure: returns text.
import type { InvariantResult, Violation } from "./invariant.ts";

export interface RunStats {
  readonly seed: number;
  readonly minutes: number;
  readonly workers: number;
  readonly gateways: number;
  readonly sessions: number;
  readonly turns: number;
  readonly requests: number;
  readonly kills: number;
  readonly freezes: number;
  readonly restarts: number;
  readonly faultRules: number;
  readonly elapsedMs: number;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function table(rows: readonly string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, column) => pad(cell, widths[column] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(rows[0] ?? []), rule, ...rows.slice(1).map(line)].join("\n");
}

export function violationLine(violation: Violation): string {
  const where = [
    violation.slot === undefined
      ? undefined
      : `${violation.slot}${violation.inc === undefined ? "" : `.${violation.inc}`}`,
    violation.sessionId === undefined ? undefined : `session ${violation.sessionId}`,
    violation.turnId === undefined ? undefined : `turn ${violation.turnId.slice(0, 8)}`,
  ].filter((part) => part !== undefined);
  return `${where.length === 0 ? "" : `[${where.join(", ")}] `}${violation.message}`;
}

export function formatReport(results: readonly InvariantResult[], stats: RunStats, shown = 5): string {
  const rows = [["invariant", "result", "checked", "violations"]];
  for (const result of results)
    rows.push([
      result.title,
      result.violations.length === 0 ? "PASS" : "FAIL",
      `${result.checked} ${result.unit}`,
      String(result.violations.length),
    ]);
  const out = [
    `Baton chaos soak: seed ${stats.seed}, ${stats.minutes} min, ${stats.workers} workers, ${stats.gateways} gateways, ${stats.sessions} sessions; ` +
      `${stats.turns} turns, ${stats.requests} provider requests, ${stats.faultRules} fault rules; ` +
      `${stats.kills} SIGKILLs, ${stats.freezes} freezes, ${stats.restarts} restarts; ${(stats.elapsedMs / 1000).toFixed(1)} s`,
    "",
    table(rows),
  ];
  for (const result of results) {
    if (result.violations.length === 0) continue;
    out.push("", `FAIL ${result.title} (${result.violations.length}):`);
    for (const violation of result.violations.slice(0, shown)) out.push(`  - ${violationLine(violation)}`);
    if (result.violations.length > shown) out.push(`  ... ${result.violations.length - shown} more`);
  }
  out.push("", "Notes:");
  for (const result of results)
    if (result.notes.length > 0) out.push(`  ${result.id}: ${result.notes.join("; ")}`);
  return out.join("\n");
}
