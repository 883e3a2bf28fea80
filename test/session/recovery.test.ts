// What a user sees after damage: a torn tail (a crashed writer's partial line) is moved to the
// quarantine file and truncated when the session is opened or appended to; a corrupt line in
// the middle makes load fail with the file, line number and repair command; repair keeps every
// removed byte in the quarantine file; verify reports damage until then.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { readQuarantine } from "../../src/session/quarantine.ts";
import { SessionCorruptError, type SessionError } from "../../src/session/session-errors.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

async function withNotes(store: JsonlSessionStore, id: string, count: number): Promise<void> {
  const session = await store.create(id);
  for (let index = 0; index < count; index += 1)
    await session.append([{ type: "note", text: `note ${index}` }]);
  await session.close();
}

describe("recovery", () => {
  it("quarantines a torn tail on open and keeps the exact bytes", async () => {
    const dir = await tempDir("torn");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await withNotes(store, "torn", 5);
      const file = join(dir.path, "torn.jsonl");
      const clean = await readFile(file);
      const torn = '{"seq":6,"id":"abc","parentId":null,"type":"no';
      await appendFile(file, torn);
      expect((await store.verify("torn")).problems.map((problem) => problem.message)).toEqual([
        expect.stringMatching(/^torn tail: \d+ bytes without a newline/),
      ]);

      const session = await store.open("torn");
      expect(session.context().entries.map((entry) => (entry.type === "note" ? entry.text : ""))).toEqual([
        "note 0",
        "note 1",
        "note 2",
        "note 3",
        "note 4",
      ]);
      expect(await readFile(file)).toEqual(clean);
      const records = await readQuarantine(store.paths("torn"));
      expect(records).toHaveLength(1);
      expect(Buffer.from(records[0]?.base64 ?? "", "base64").toString()).toBe(torn);
      expect(records[0]).toMatchObject({ reason: "torn tail", offset: clean.length, file: "transcript" });
      const appended = await session.append([{ type: "note", text: "after the crash" }]);
      expect(appended.entries[0]?.seq).toBe(6);
      await session.close();
      expect((await store.verify("torn")).ok).toBe(true);
    } finally {
      await dir.remove();
    }
  });

  it("quarantines a torn tail found by a writer that already had the session open", async () => {
    const dir = await tempDir("torn-append");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await withNotes(store, "s", 2);
      const session = await store.open("s");
      await appendFile(join(dir.path, "s.jsonl"), '{"seq":3,"id":"half');
      const result = await session.append([{ type: "note", text: "on top" }]);
      expect(result.entries[0]).toMatchObject({ seq: 3, type: "note" });
      await session.close();
      const disk = await readOnDisk(dir.path, "s");
      expect(disk.endsClean).toBe(true);
      expect(disk.live.map((entry) => entry.seq)).toEqual([1, 2, 3]);
      expect((await readQuarantine(store.paths("s")))[0]?.base64).toBe(
        Buffer.from('{"seq":3,"id":"half').toString("base64"),
      );
    } finally {
      await dir.remove();
    }
  });

  it("fails to load a corrupt middle line with its line number and the repair command; repair keeps the bytes", async () => {
    const dir = await tempDir("corrupt");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await withNotes(store, "c", 6);
      const file = join(dir.path, "c.jsonl");
      const lines = (await readFile(file, "utf8")).split("\n");
      const damaged = `${lines[3]?.slice(0, 20)}\u0000garbage`;
      lines[3] = damaged; // line 4 of the file: the third entry
      await writeFile(file, lines.join("\n"));

      const error = await store.open("c").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SessionCorruptError);
      expect((error as SessionError).code).toBe("session_corrupt");
      expect((error as SessionError).line).toBe(4);
      expect((error as Error).message).toContain(`${file}:4: entry is not valid JSON`);
      expect((error as Error).message).toContain(`baton sessions repair c --dir ${dir.path}`);
      const report = await store.verify("c");
      expect(report.ok).toBe(false);
      expect(report.problems.map((problem) => problem.line)).toEqual([4, 5]);

      const repaired = await store.repair("c");
      expect(repaired.repaired).toBe(true);
      expect(repaired.removed.map((problem) => problem.line)).toEqual([4, 5]);
      expect(repaired.relinked).toBe(1);
      const records = await readQuarantine(store.paths("c"));
      expect(Buffer.from(records[0]?.base64 ?? "", "base64").toString()).toBe(`${damaged}\n`);
      expect(Buffer.from(records[1]?.base64 ?? "", "base64").toString()).toBe(`${lines[4]}\n`);
      expect((await store.verify("c")).ok).toBe(true);
      const session = await store.open("c");
      expect(session.context().entries.map((entry) => entry.seq)).toEqual([1, 2, 4, 5, 6]);
      expect(session.header.generation).toBe(1);
      await session.close();
      expect((await store.repair("c")).repaired).toBe(false);
    } finally {
      await dir.remove();
    }
  });

  it("reports duplicate seq and unknown parents from verify", async () => {
    const dir = await tempDir("verify");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await withNotes(store, "v", 3);
      const file = join(dir.path, "v.jsonl");
      const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
      const last = JSON.parse(lines[3] ?? "{}") as Record<string, unknown>;
      await appendFile(file, `${JSON.stringify({ ...last, id: "other", parentId: "nowhere" })}\n`);
      const report = await store.verify("v");
      expect(report.problems.map((problem) => `${problem.line}: ${problem.message}`)).toEqual([
        "5: seq 3 does not follow seq 3",
        "5: parent nowhere of entry other is not an earlier entry",
      ]);
    } finally {
      await dir.remove();
    }
  });
});
