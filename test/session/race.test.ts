// The session race at store level: a turn reads the session, waits (as if for a model) while
// another process appends notes and compacts, then commits. Its entries land after the others',
// parented on the current leaf, with no error; the compaction kept the running turn whole.
import { afterEach, describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { contextMessages } from "../../src/session/live-context.ts";
import type { SessionEntry } from "../../src/session/session-entry.ts";
import { killAll, startWorker } from "./fixtures/children.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

afterEach(killAll);

interface RaceResult {
  readonly ok: boolean;
  readonly rebased: boolean;
  readonly contextChanged: boolean;
  readonly integrated: string[];
  readonly entry: SessionEntry;
  readonly message?: string;
}

async function seeded(store: JsonlSessionStore, id: string): Promise<void> {
  const session = await store.create(id);
  for (let index = 0; index < 30; index += 1) {
    await session.append([{ type: "message", message: { role: "user", content: `old question ${index}` } }]);
  }
  await session.close();
}

describe("a turn racing background writers", () => {
  it("commits after notes and a compaction that happened while it waited", async () => {
    const dir = await tempDir("race");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await seeded(store, "race");
      const racer = startWorker({ mode: "race-writer", dir: dir.path, id: "race", tag: "racing-turn" });
      const read = JSON.parse(await racer.waitFor((line) => line.includes('"read"'))) as {
        lastSeq: number;
        userId: string;
      };

      const notes: SessionEntry[] = [];
      for (const text of ["memory synced", "index refreshed"])
        notes.push(...(await store.appendNote("race", { text })).entries);
      const compaction = await store.compact(
        "race",
        async ({ entries }) => `${entries.length} earlier entries`,
        { keepRecent: 0 },
      );
      expect(compaction.compacted).toBe(true);

      racer.send("go");
      const result = JSON.parse(await racer.waitFor((line) => line.includes('"result"'))) as RaceResult;
      expect(result.message).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.rebased).toBe(true);
      expect(result.contextChanged).toBe(true);

      const disk = await readOnDisk(dir.path, "race");
      const compactionEntry = disk.live.find((entry) => entry.type === "compaction");
      expect(result.entry.parentId).toBe(compactionEntry?.id);
      expect(result.entry.seq).toBeGreaterThan(compactionEntry?.seq ?? Number.POSITIVE_INFINITY);
      for (const note of notes) expect(result.entry.seq).toBeGreaterThan(note.seq);
      // The compaction kept the running turn: its start and its question are still live.
      expect(disk.live.filter((entry) => entry.turnId === "racing-turn").map((entry) => entry.type)).toEqual([
        "turn",
        "message",
        "message",
        "turn",
      ]);
      expect(disk.live.some((entry) => entry.id === read.userId)).toBe(true);

      const session = await store.open("race");
      const messages = contextMessages(session.context());
      await session.close();
      expect(messages[0]).toMatchObject({
        role: "user",
        content: expect.stringContaining("earlier entries"),
      });
      expect(messages.slice(1)).toEqual([
        { role: "user", content: "what is 2+2?" },
        { role: "assistant", content: [{ type: "text", text: "4" }] },
      ]);
      const report = await store.verify("race");
      expect(report.problems).toEqual([]);
    } finally {
      await dir.remove();
    }
  });

  it("integrates notes appended while it waited, without a rebase", async () => {
    const dir = await tempDir("race-notes");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await seeded(store, "notes");
      const racer = startWorker({ mode: "race-writer", dir: dir.path, id: "notes", tag: "t" });
      await racer.waitFor((line) => line.includes('"read"'));
      const note = (await store.appendNote("notes", { text: "written meanwhile", author: "memory-sync" }))
        .entries[0];
      racer.send("go");
      const result = JSON.parse(await racer.waitFor((line) => line.includes('"result"'))) as RaceResult;
      expect(result).toMatchObject({
        ok: true,
        rebased: false,
        contextChanged: false,
        integrated: [note?.id],
      });
      expect(result.entry.parentId).toBe(note?.id);
      expect(result.entry).toMatchObject({
        provider: "sim",
        model: "m1",
        credentialId: "key-1",
        finishReason: "stop",
      });
    } finally {
      await dir.remove();
    }
  });
});
