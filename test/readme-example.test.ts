// The library example shown in README.md is examples/library.ts, verbatim; this runs it the way
// a reader would and checks what it prints.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { canonicalReplyText } from "../src/simulator/index.ts";
import { runScript } from "./support/run-cli.ts";

describe("the README's library example", () => {
  it("is the file examples/library.ts, verbatim", async () => {
    const readme = await readFile("README.md", "utf8");
    const example = await readFile("examples/library.ts", "utf8");
    expect(readme).toContain(example.trim());
  });

  it("runs and answers from DeepSeek after skipping the exhausted OpenAI model", async () => {
    const result = await runScript("examples/library.ts");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(canonicalReplyText);
    expect(result.stdout).toContain("answered by deepseek/deepseek-v4-pro after 2 attempts");
    expect(result.stderr).toContain("skipped gpt-5.4-mini: quota_exhausted");
  });
});
