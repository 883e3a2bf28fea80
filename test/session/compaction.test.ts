// Compaction seen from the files: a rewrite moves the summarised entries to the archive (nothing
// is lost), keeps every entry of the running turn in the transcript, bumps the generation, and a
// turn that was running rebases onto it; opening a large transcript reads from the latest
// compaction, not the whole file.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { contextMessages } from "../../src/session/live-context.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

describe("compaction", () => {
  it("archives the old part, keeps the running turn whole, and the turn rebases onto it", async () => {
    const dir = await tempDir("compact");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      const session = await store.create("c");
      for (let index = 0; index < 20; index += 1) {
        await session.append([{ type: "message", message: { role: "user", content: `q${index}` } }]);
      }
      const turn = await session.beginTurn({ turnId: "running" });
      await turn.append([{ type: "message", message: { role: "user", content: "current question" } }]);
      const before = await readOnDisk(dir.path, "c");

      const seen: string[] = [];
      const result = await store.compact(
        "c",
        async ({ entries }) => {
          seen.push(
            ...entries.map((entry) =>
              entry.type === "message" && entry.message.role === "user" ? entry.message.content : entry.type,
            ),
          );
          return "the user asked twenty questions";
        },
        { keepRecent: 0 },
      );
      expect(result).toMatchObject({ compacted: true, archived: 20, generation: 1 });
      expect(seen).toEqual(Array.from({ length: 20 }, (_, index) => `q${index}`));

      const after = await readOnDisk(dir.path, "c");
      expect(after.all.map((entry) => entry.id).slice(0, before.all.length)).toEqual(
        before.all.map((entry) => entry.id),
      );
      expect(after.live.map((entry) => entry.type)).toEqual(["turn", "message", "compaction"]);
      expect(after.live.slice(0, 2).every((entry) => entry.turnId === "running")).toBe(true);

      const answer = await turn.append([
        { type: "message", message: { role: "assistant", content: [{ type: "text", text: "answer" }] } },
      ]);
      expect(answer).toMatchObject({ rebased: true, contextChanged: true });
      await turn.end("completed");
      expect(contextMessages(session.context())).toEqual([
        {
          role: "user",
          content: "Summary of the earlier part of this conversation:\n\nthe user asked twenty questions",
        },
        { role: "user", content: "current question" },
        { role: "assistant", content: [{ type: "text", text: "answer" }] },
      ]);
      await session.close();
      expect((await store.verify("c")).ok).toBe(true);
      expect(await store.compact("c", async () => "again", { keepRecent: 10 })).toEqual({
        compacted: false,
        reason: "nothing-to-compact",
      });
    } finally {
      await dir.remove();
    }
  });

  it("opens a large transcript by reading only from its latest compaction", async () => {
    const dir = await tempDir("open-scale");
    try {
      const store = new JsonlSessionStore({ dir: dir.path, durability: "never" });
      const session = await store.create("big");
      const filler = "x".repeat(400);
      for (let index = 0; index < 200; index += 1) {
        await session.append(
          Array.from({ length: 25 }, (_, at) => ({
            type: "note" as const,
            text: `${index}-${at} ${filler}`,
          })),
        );
      }
      await session.compact(async () => "five thousand notes", { keepRecent: 10, rewrite: false });
      for (let index = 0; index < 10; index += 1)
        await session.append([{ type: "note", text: `after ${index}` }]);
      await session.close();
      const size = (await stat(join(dir.path, "big.jsonl"))).size;

      const reopened = await store.open("big");
      const context = reopened.context();
      expect(context.compaction?.summary).toBe("five thousand notes");
      expect(context.entries).toHaveLength(21);
      expect(reopened.lastLoadBytes).toBeLessThan(size / 50);
      await reopened.close();
      expect(size).toBeGreaterThan(2_000_000);
    } finally {
      await dir.remove();
    }
  });
});
