import { describe, expect, it } from "vitest";
import { contextMessages, LiveContext, PathWalker } from "./live-context.ts";
import type { CompactionEntry, SessionEntry } from "./session-entry.ts";

let seq = 0;
function user(id: string, parentId: string | null, content = id): SessionEntry {
  seq += 1;
  return { seq, id, parentId, type: "message", timestamp: "t", message: { role: "user", content } };
}
function compaction(
  id: string,
  parentId: string,
  firstKeptId: string | null,
  summary: string,
): CompactionEntry {
  seq += 1;
  return {
    seq,
    id,
    parentId,
    type: "compaction",
    timestamp: "t",
    summary,
    firstKeptId,
    firstKeptSeq: firstKeptId === null ? null : 1,
    covers: { fromSeq: 1, throughSeq: 1, entries: 1 },
    rewrite: false,
  };
}
const loaded = (entries: SessionEntry[]) =>
  new LiveContext(entries.map((entry, offset) => ({ entry, offset })));

describe("the context path", () => {
  it("runs from the root to the leaf when there is no compaction", () => {
    seq = 0;
    const context = loaded([user("a", null), user("b", "a"), user("c", "b")]);
    expect(context.walk().entries.map((entry) => entry.id)).toEqual(["a", "b", "c"]);
    expect(contextMessages(context.walk())).toEqual([
      { role: "user", content: "a" },
      { role: "user", content: "b" },
      { role: "user", content: "c" },
    ]);
  });

  it("starts at the latest compaction's first kept entry and puts its summary first", () => {
    seq = 0;
    const entries = [
      user("a", null),
      user("b", "a"),
      compaction("c1", "b", "b", "old summary"),
      user("d", "c1"),
      user("e", "d"),
      compaction("c2", "e", "d", "new summary"),
      user("f", "c2"),
    ];
    const context = loaded(entries);
    const walked = context.walk();
    expect(walked.entries.map((entry) => entry.id)).toEqual(["d", "e", "c2", "f"]);
    expect(walked.compaction?.id).toBe("c2");
    expect(contextMessages(walked).map((message) => message.role === "user" && message.content)).toEqual([
      "Summary of the earlier part of this conversation:\n\nnew summary",
      "d",
      "e",
      "f",
    ]);
    // Entries before the context start are dropped from memory.
    expect(context.has("a")).toBe(false);
    expect(context.size).toBe(4);
  });

  it("ignores branches off the leaf's path", () => {
    seq = 0;
    const context = loaded([user("a", null), user("side", "a"), user("b", "a")]);
    expect(context.walk().entries.map((entry) => entry.id)).toEqual(["a", "b"]);
  });

  it("reports a missing parent so a backwards reader knows to read further, then resumes", () => {
    seq = 0;
    const entries = new Map<string, SessionEntry>();
    const walker = new PathWalker("c");
    entries.set("c", user("c", "b"));
    expect(walker.advance((id) => entries.get(id))).toEqual({
      status: "missing",
      missingId: "b",
      childId: "c",
    });
    entries.set("b", user("b", "a"));
    entries.set("a", user("a", null));
    expect(walker.advance((id) => entries.get(id))).toEqual({ status: "complete" });
    expect(walker.path().map((entry) => entry.id)).toEqual(["a", "b", "c"]);
  });

  it("keeps loaded entries in seq order and refuses one that goes backwards", () => {
    seq = 0;
    const context = loaded([user("a", null)]);
    context.add({ entry: user("b", "a"), offset: 10 });
    expect(context.leafId).toBe("b");
    expect(() => context.add({ entry: { ...user("z", "b"), seq: 1 }, offset: 20 })).toThrow(
      /does not follow/,
    );
  });
});
