// Older trace files stay readable: version 1 lines (no `v`) come back under version 2 names.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readTraceLines, traceFormatVersion } from "./trace-file.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("trace file versions", () => {
  it("reads a version 1 trace with the per-step events under their step names", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-trace-"));
    dirs.push(dir);
    const file = join(dir, "s.trace.jsonl");
    const v1 = [
      { turnId: "t1", type: "attempt-started", at: 1 },
      { turnId: "t1", type: "turn-failed", at: 2, kind: "exhausted", summary: "x", attempts: 1, ms: 1 },
      { turnId: "t2", type: "turn-answered", at: 3, attempts: 1, ms: 1 },
    ];
    const v2 = { turnId: "t3", v: 2, type: "step-answered", at: 4, attempts: 1, ms: 1 };
    await writeFile(file, `${[...v1, v2].map((line) => JSON.stringify(line)).join("\n")}\n`);
    const lines = await readTraceLines(file);
    expect(lines.map((line) => line.type)).toEqual([
      "attempt-started",
      "step-failed",
      "step-answered",
      "step-answered",
    ]);
    expect(lines.every((line) => line.v === traceFormatVersion)).toBe(true);
  });
});
