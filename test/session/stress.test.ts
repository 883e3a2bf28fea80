// Many real processes writing one session through the store API at once: four appenders, a
// compactor every 200 ms and a note writer. Afterwards every acknowledged entry is on disk
// exactly once, seq strictly increases, every parent resolves, no line is torn, verify passes.
import { afterEach, describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { killAll, startWorker } from "./fixtures/children.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

afterEach(killAll);

function acks(lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith("ack ")).map((line) => line.split(" ")[1] as string);
}

describe("concurrent writers", () => {
  it("keeps every acknowledged entry exactly once while 4 appenders, a compactor and a note writer run", async () => {
    const dir = await tempDir("stress");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await (await store.create("stress")).close();
      const base = { dir: dir.path, id: "stress" };
      const appenders = [0, 1, 2, 3].map((index) =>
        startWorker({
          ...base,
          mode: "append",
          tag: `w${index}`,
          count: 2000,
          turnSize: index === 0 ? 25 : 0,
        }),
      );
      const compactor = startWorker({ ...base, mode: "compactor", intervalMs: 200, keepRecent: 50 });
      const notes = startWorker({ ...base, mode: "notes" });
      const results = await Promise.all(appenders.map((worker) => worker.exited));
      for (const [index, result] of results.entries()) {
        expect(result.code, `appender ${index}: ${appenders[index]?.stderr()}`).toBe(0);
      }
      compactor.send("stop");
      notes.send("stop");
      compactor.child.stdin.end();
      notes.child.stdin.end();
      expect((await compactor.exited).code, compactor.stderr()).toBe(0);
      expect((await notes.exited).code, notes.stderr()).toBe(0);
      const compactions = JSON.parse(compactor.lines.at(-1) ?? "{}") as { compactions: number };

      const acknowledged = [...appenders.flatMap((worker) => acks(worker.lines)), ...acks(notes.lines)];
      expect(acks(appenders[0]?.lines ?? []).length).toBe(2000);
      const disk = await readOnDisk(dir.path, "stress");
      const counts = new Map<string, number>();
      for (const entry of disk.all) counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
      const missing = acknowledged.filter((id) => counts.get(id) !== 1);
      expect(missing, "acknowledged entries missing or duplicated").toEqual([]);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      for (let index = 1; index < disk.all.length; index += 1) {
        expect((disk.all[index]?.seq ?? 0) > (disk.all[index - 1]?.seq ?? 0)).toBe(true);
      }
      const ids = new Set(disk.all.map((entry) => entry.id));
      expect(disk.all.filter((entry) => entry.parentId !== null && !ids.has(entry.parentId))).toEqual([]);
      expect(disk.endsClean).toBe(true);
      expect(compactions.compactions).toBeGreaterThan(0);
      expect(disk.header.generation).toBeGreaterThan(0);
      const report = await store.verify("stress");
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      console.log(
        `stress: ${disk.all.length} entries (${disk.archived.length} archived), ${compactions.compactions} compactions, generation ${disk.header.generation}, ${acks(notes.lines).length} notes`,
      );
    } finally {
      await dir.remove();
    }
  }, 120_000);
});
