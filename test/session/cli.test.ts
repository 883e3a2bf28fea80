// `baton sessions ...` as a user runs it: a real process, real files. Exit codes: 0 ok, 1 damage
// found by verify, 2 usage, 6 a session error.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { type CliResult, runCli } from "../support/run-cli.ts";
import { tempDir } from "./fixtures/transcript.ts";

const piFixture = fileURLToPath(new URL("./fixtures/pi-session-v3.jsonl", import.meta.url));

function sessions(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runCli(["sessions", ...args], { ...options, env: { BATON_SESSIONS_DIR: "", ...options.env } });
}

describe("baton sessions", () => {
  it("imports a pi transcript, shows, lists, notes, compacts and verifies it", async () => {
    const dir = await tempDir("cli");
    try {
      const imported = await sessions(["import", piFixture, "--id", "parser-fix"], { cwd: dir.path });
      expect(imported.stderr).toContain("warning: ");
      expect(imported.stdout).toContain("as session parser-fix: 18 entries, 6 messages in the context");
      expect(imported.code).toBe(0);

      const shown = await sessions(["show", "parser-fix"], { cwd: dir.path });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain("user: Actually, write a changelog entry instead");
      expect(shown.stdout).toContain("compaction of seq");
      expect(shown.stdout).not.toContain("Fix the failing test");

      const noted = await sessions(
        ["note", "parser-fix", "synced memory", "--author", "memory-sync", "--dir", ".baton/sessions"],
        { cwd: dir.path },
      );
      expect(noted).toMatchObject({ code: 0, stdout: "appended note seq 19 to parser-fix\n" });

      const listed = await sessions(["list", "--json"], { cwd: dir.path });
      expect(JSON.parse(listed.stdout)).toEqual([
        expect.objectContaining({ id: "parser-fix", generation: 0 }),
      ]);

      const compacted = await sessions(["compact", "parser-fix", "--keep", "2"], { cwd: dir.path });
      expect(compacted.code).toBe(0);
      expect(compacted.stdout).toMatch(
        /^compacted parser-fix: \d+ entries summarised \(seq \d+-\d+\), \d+ archived; generation 1\n$/,
      );
      const afterCompaction = await sessions(["show", "parser-fix", "--json"], { cwd: dir.path });
      const context = JSON.parse(afterCompaction.stdout) as {
        compaction: { summary: string };
        messages: unknown[];
      };
      expect(context.compaction.summary).toContain("[built-in summary of");

      const verified = await sessions(["verify", "parser-fix"], { cwd: dir.path });
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/ok: parser-fix \(\d+ entries, \d+ archived, generation 1\)/);
    } finally {
      await dir.remove();
    }
  });

  it("reports damage from verify with file and line (exit 1), refuses to load (exit 6), and repairs", async () => {
    const dir = await tempDir("cli-damage");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      const session = await store.create("hurt");
      for (const text of ["one", "two", "three"]) await session.append([{ type: "note", text }]);
      await session.close();
      const file = join(dir.path, "hurt.jsonl");
      const lines = (await readFile(file, "utf8")).split("\n");
      lines[2] = "{oops";
      await writeFile(file, lines.join("\n"));
      const env = { BATON_SESSIONS_DIR: dir.path };

      const verified = await sessions(["verify", "hurt"], { env });
      expect(verified.code).toBe(1);
      expect(verified.stdout).toContain(`${file}:3: not a valid entry: not valid JSON`);
      expect(verified.stdout).toContain(`run \`baton sessions repair hurt --dir ${dir.path}\``);

      const shown = await sessions(["show", "hurt"], { env });
      expect(shown.code).toBe(6);
      expect(shown.stderr).toContain(`${file}:3: entry is not valid JSON`);
      expect(shown.stderr).toContain(`baton sessions repair hurt --dir ${dir.path}`);

      const repaired = await sessions(["repair", "hurt", "--json"], { env });
      expect(repaired.code).toBe(0);
      expect(JSON.parse(repaired.stdout)).toMatchObject({
        repaired: true,
        removed: [{ line: 3 }, { line: 4 }],
        relinked: 1,
      });
      expect(await readFile(join(dir.path, "hurt.quarantine.jsonl"), "utf8")).toContain(
        Buffer.from("{oops\n").toString("base64"),
      );
      expect((await sessions(["verify", "hurt"], { env })).code).toBe(0);
    } finally {
      await dir.remove();
    }
  });

  it("exits 2 on usage mistakes and 6 on session errors, with a clear message", async () => {
    const dir = await tempDir("cli-usage");
    try {
      expect(await sessions(["frobnicate"], { cwd: dir.path })).toMatchObject({
        code: 2,
        stderr: expect.stringContaining("unknown action 'frobnicate'"),
      });
      expect(await sessions(["show"], { cwd: dir.path })).toMatchObject({
        code: 2,
        stderr: expect.stringContaining("expected: baton sessions show ID"),
      });
      expect(await sessions(["list", "--bogus"], { cwd: dir.path })).toMatchObject({
        code: 2,
        stderr: expect.stringContaining("unknown option --bogus"),
      });
      expect(await sessions(["compact", "x", "--keep", "many"], { cwd: dir.path })).toMatchObject({
        code: 2,
      });
      expect(await sessions(["show", "../etc"], { cwd: dir.path })).toMatchObject({
        code: 6,
        stderr: expect.stringContaining("may contain only letters"),
      });
      expect(await sessions(["show", "nope"], { cwd: dir.path })).toMatchObject({
        code: 6,
        stderr: expect.stringContaining("session nope not found"),
      });
      expect(await sessions(["import", "missing.jsonl"], { cwd: dir.path })).toMatchObject({
        code: 6,
        stderr: expect.stringContaining("missing.jsonl not found"),
      });
      const help = await sessions(["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("built-in summariser");
      expect(help.stdout).toContain(
        "Exit codes: 0 ok, 1 damage found (verify), 2 usage error, 6 session error",
      );
      expect(await sessions(["list"], { cwd: dir.path })).toMatchObject({
        code: 0,
        stdout: expect.stringContaining("no sessions in"),
      });
    } finally {
      await dir.remove();
    }
  });
});
