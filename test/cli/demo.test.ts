// `baton demo` on a fresh checkout: no configuration, the simulator started for it, three
// rehearsals that must each behave as described, and a summary table at the end.
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

describe("baton demo", () => {
  it("rehearses the session race, a provider-wide quota and a flaky provider, all as described", async () => {
    const dir = await tempDir("demo");
    try {
      const result = await runCli(["demo"], { cwd: dir.path, env: { BATON_CONFIG: "" } });
      expect(result.code).toBe(0);
      const table = result.stdout.slice(result.stdout.lastIndexOf("rehearsal"));
      expect(table).toMatch(/session race\s+5\s+5\s+openai\s+openai 5\s+\d+ notes, verify ok\s+yes/);
      expect(table).toMatch(/provider-wide quota\s+2\s+2\s+deepseek\s+openai 1, deepseek 2\s+-\s+yes/);
      expect(table).toMatch(/flaky provider\s+10\s+10\s+openai then anthropic\s+.*yes/);
      expect(result.stdout).toContain("skipping openai/gpt-5.4-mini via openai:demo: quota exhausted");
      expect(result.stdout).toContain("breaker closed on anthropic/claude-sonnet-4-6");
    } finally {
      await dir.remove();
    }
  });
});
