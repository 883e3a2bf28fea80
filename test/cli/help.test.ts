import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

describe("baton --help", () => {
  it("lists the commands and exits 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: baton <command>");
    expect(result.stdout).toContain("simulate");
  });

  it("names an unknown command and exits 2", async () => {
    const result = await runCli(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
