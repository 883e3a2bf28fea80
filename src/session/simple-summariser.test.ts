import { describe, expect, it } from "vitest";
import type { SessionEntry } from "./session-entry.ts";
import { summariseByCounting } from "./simple-summariser.ts";

describe("the built-in summariser", () => {
  it("counts what the old part holds and lists the first line of each user message", () => {
    const entries: SessionEntry[] = [
      {
        seq: 3,
        id: "a",
        parentId: null,
        type: "message",
        timestamp: "t",
        message: { role: "user", content: "Fix the build\nit fails on CI" },
      },
      {
        seq: 4,
        id: "b",
        parentId: "a",
        type: "message",
        timestamp: "t",
        message: { role: "assistant", content: [{ type: "text", text: "ok" }] },
      },
      { seq: 5, id: "c", parentId: "b", type: "note", timestamp: "t", text: "synced" },
    ];
    expect(summariseByCounting(entries, "earlier work\nmore")).toBe(
      [
        "[built-in summary of 3 entries, seq 3-5: 1 user, 1 assistant, 1 note]",
        "Before that: earlier work",
        "The user wrote:",
        "- Fix the build",
      ].join("\n"),
    );
  });
});
