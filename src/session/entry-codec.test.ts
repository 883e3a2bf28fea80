import { describe, expect, it } from "vitest";
import { encodeEntry, encodeHeader, entryProblem, parseEntry, parseHeader } from "./entry-codec.ts";
import type { SessionEntry, SessionHeader } from "./session-entry.ts";

const header: SessionHeader = {
  type: "session",
  format: "baton-session",
  version: 1,
  id: "s1",
  createdAt: "2025-01-01T00:00:00.000Z",
  generation: 3,
  archive: { bytes: 120, throughSeq: 7 },
};

describe("header lines", () => {
  it("round-trips a header with its generation and archive state", () => {
    const line = encodeHeader(header);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.startsWith('{"type":"session","format":"baton-session","version":1,')).toBe(true);
    expect(parseHeader(line.trimEnd())).toEqual({ ok: true, header });
  });

  it("names what is wrong with a line that is not a Baton header", () => {
    expect(parseHeader("hello")).toMatchObject({
      ok: false,
      code: "not_a_session",
      problem: expect.stringMatching(/^line 1 is not valid JSON/),
    });
    expect(parseHeader('{"type":"message"}')).toMatchObject({
      ok: false,
      problem: "line 1 is not a session header",
    });
    expect(parseHeader('{"type":"session","version":3,"id":"x"}')).toMatchObject({
      ok: false,
      problem: expect.stringContaining("pi/OpenClaw transcript (version 3)"),
    });
    expect(parseHeader(JSON.stringify({ ...header, version: 2 }))).toMatchObject({
      ok: false,
      code: "unsupported_version",
      problem: expect.stringContaining("format version 2, newer than this Baton understands (1)"),
    });
    expect(parseHeader(JSON.stringify({ ...header, generation: -1 }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining("generation"),
    });
  });
});

describe("entry lines", () => {
  const note: SessionEntry = {
    seq: 4,
    id: "n1",
    parentId: "p",
    type: "note",
    timestamp: "t",
    text: "hello\nworld",
  };

  it("writes one complete line with seq, id, parentId, type and timestamp first", () => {
    const line = encodeEntry(note);
    expect(line).toBe(
      '{"seq":4,"id":"n1","parentId":"p","type":"note","timestamp":"t","text":"hello\\nworld"}\n',
    );
    expect(line.indexOf("\n")).toBe(line.length - 1);
    expect(parseEntry(line.trimEnd())).toEqual({ ok: true, entry: note });
  });

  it("rejects entries a reader could not rely on, saying why", () => {
    expect(entryProblem({ ...note, seq: 0 })).toBe("seq must be a positive integer");
    expect(entryProblem({ ...note, parentId: "" })).toBe("parentId must be a non-empty string or null");
    expect(entryProblem({ ...note, type: "mystery" })).toBe('unknown entry type "mystery"');
    expect(entryProblem({ ...note, type: "message", message: { role: "robot" } })).toBe(
      'unknown message role "robot"',
    );
    expect(entryProblem({ ...note, type: "message", message: { role: "user", content: [] } })).toBe(
      "a user message's content must be a string",
    );
    expect(entryProblem({ ...note, type: "turn", turnId: "t", phase: "middle" })).toBe(
      "a turn entry's phase must be start or end",
    );
    expect(
      entryProblem({
        ...note,
        type: "compaction",
        summary: "s",
        firstKeptId: "x",
        firstKeptSeq: null,
        covers: { fromSeq: 1, throughSeq: 2, entries: 2 },
      }),
    ).toBe("firstKeptId and firstKeptSeq must both be set or both null");
    expect(parseEntry('{"seq":1')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^not valid JSON/),
    });
  });

  it("accepts assistant metadata and unknown extra fields (forward compatible within a version)", () => {
    const entry = {
      seq: 1,
      id: "a",
      parentId: null,
      type: "message",
      timestamp: "t",
      message: { role: "assistant", content: [{ type: "text", text: "hi" }] },
      provider: "anthropic",
      model: "claude",
      credentialId: "key-2",
      usage: { inputTokens: 3, outputTokens: 4 },
      finishReason: "stop",
      futureField: true,
    };
    expect(entryProblem(entry)).toBeUndefined();
    expect(entryProblem({ ...entry, credentialId: 7 })).toBe("credentialId must be a string");
  });
});
