import { describe, expect, it } from "vitest";
import { assertSessionId, newEntryId, newSessionId, sessionIdProblem } from "./session-id.ts";
import { sessionIdOfFileName, sessionPaths } from "./session-paths.ts";

describe("session ids", () => {
  it("accepts ids made of letters, digits, '_' and '-', including UUIDs", () => {
    for (const id of ["a", "support-42", "Team_7", newSessionId(), "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"]) {
      expect(sessionIdProblem(id)).toBeUndefined();
    }
  });

  it("refuses anything that could escape the folder or collide with side files", () => {
    for (const id of [
      "",
      "..",
      "../x",
      "a/b",
      "a\\b",
      ".a",
      "a.b",
      "-a",
      "a b",
      "a\nb",
      "é",
      "x".repeat(129),
    ]) {
      expect(sessionIdProblem(id), JSON.stringify(id)).toBeDefined();
      expect(() => assertSessionId(id)).toThrow();
    }
  });

  it("derives every file of a session from its id, and only transcripts list as sessions", () => {
    const paths = sessionPaths("/s", "abc");
    expect([paths.file, paths.archive, paths.quarantine, paths.lock, paths.lease]).toEqual([
      "/s/abc.jsonl",
      "/s/abc.archive.jsonl",
      "/s/abc.quarantine.jsonl",
      "/s/abc.lock",
      "/s/abc.lease",
    ]);
    expect(sessionIdOfFileName("abc.jsonl")).toBe("abc");
    expect(sessionIdOfFileName("abc.archive.jsonl")).toBeUndefined();
    expect(sessionIdOfFileName("abc.fenced-t3.jsonl")).toBeUndefined();
  });

  it("makes 16-hex-digit entry ids", () => {
    expect(newEntryId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
