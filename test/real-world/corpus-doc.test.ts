// The corpus' documentation and its loader: docs/real-world-corpus.md is the rendering of the
// case files, and a broken case file is refused with the file, the case and the field named.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCorpusDoc } from "./corpus-doc.ts";
import { loadCases, parseCaseFile } from "./load-cases.ts";

describe("real-world corpus documentation", () => {
  it("docs/real-world-corpus.md lists exactly the cases on file (regenerate: node test/real-world/write-corpus-doc.ts)", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "real-world-corpus.md"), "utf8");
    expect(doc).toBe(renderCorpusDoc(loadCases()));
  });
});

describe("case file validation", () => {
  it("names the file, the case and the field of a bad case", () => {
    const bad = JSON.stringify([
      {
        id: "x.bad",
        provider: "x",
        api: "openai-chat",
        preset: null,
        kind: "http-error",
        source: { url: "https://example.com/issue/1", note: "n" },
        receivedAt: "2026-01-01T00:00:00Z",
        response: { status: 429, headers: {}, body: "{}", ending: "clean" },
        expect: { reason: "rate_limit", scope: "credential+model", wait: { kind: "after", ms: -5 } },
        why: "w",
      },
    ]);
    expect(() => parseCaseFile("x.errors.json", bad)).toThrow(/x\.errors\.json case 'x\.bad' field 'expect/);
  });

  it("refuses a file that is not JSON, naming it", () => {
    expect(() => parseCaseFile("broken.json", "{")).toThrow(/broken\.json: not JSON/);
  });
});
