// Bad input gets a clear error and changes nothing: session ids with path characters, a file
// that is not a session, a pi transcript in the sessions folder, a header from a future
// version, an empty file. Every store operation is tried; the folder's bytes must not change.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { SessionError } from "../../src/session/session-errors.ts";
import { tempDir } from "./fixtures/transcript.ts";

async function snapshot(folder: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of (await readdir(folder, { recursive: true })).sort()) {
    const path = join(folder, name);
    try {
      result[name] = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
    } catch {
      result[name] = "folder";
    }
  }
  return result;
}

type Operation = [name: string, run: (store: JsonlSessionStore, id: string) => Promise<unknown>];

const operations: Operation[] = [
  ["open", (store, id) => store.open(id)],
  ["open with create", (store, id) => store.open(id, { create: true })],
  ["appendNote", (store, id) => store.appendNote(id, { text: "hello" })],
  ["compact", (store, id) => store.compact(id, async () => "summary", { keepRecent: 0 })],
  ["verify", (store, id) => store.verify(id)],
  ["repair", (store, id) => store.repair(id)],
];

async function expectRefused(
  store: JsonlSessionStore,
  root: string,
  id: string,
  code: SessionError["code"],
  message: RegExp,
): Promise<void> {
  for (const [name, run] of operations) {
    const before = await snapshot(root);
    const error = await run(store, id).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(SessionError.isInstance(error), `${name} on ${id} should fail with a SessionError`).toBe(true);
    expect((error as SessionError).code, name).toBe(code);
    expect((error as Error).message, name).toMatch(message);
    expect(await snapshot(root), `${name} on ${id} changed the folder`).toEqual(before);
  }
}

describe("bad input", () => {
  it("refuses session ids with path characters before touching the file system", async () => {
    const dir = await tempDir("bad-id");
    try {
      const sessions = join(dir.path, "sessions");
      await mkdir(sessions);
      await writeFile(join(dir.path, "victim.jsonl"), "precious\n");
      const store = new JsonlSessionStore({ dir: sessions });
      for (const id of [
        "../victim",
        "a/b",
        "..",
        ".hidden",
        "a.b",
        "",
        "x\u0000y",
        "name with space",
        "a".repeat(129),
      ]) {
        await expectRefused(store, dir.path, id, "invalid_session_id", /session id/);
      }
      await expect(store.create("../victim")).rejects.toThrow(/may contain only letters/);
      expect(await readFile(join(dir.path, "victim.jsonl"), "utf8")).toBe("precious\n");
    } finally {
      await dir.remove();
    }
  });

  it("refuses a file that is not a session, naming the file", async () => {
    const dir = await tempDir("bad-file");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await writeFile(join(dir.path, "notes.jsonl"), "this is just text\nmore text");
      await expectRefused(
        store,
        dir.path,
        "notes",
        "not_a_session",
        /notes\.jsonl: line 1 is not valid JSON/,
      );
      await writeFile(join(dir.path, "array.jsonl"), '["a","b"]\n');
      await expectRefused(
        store,
        dir.path,
        "array",
        "not_a_session",
        /array\.jsonl: line 1 is not a session header/,
      );
    } finally {
      await dir.remove();
    }
  });

  it("points a pi/OpenClaw transcript in the folder to `baton sessions import`", async () => {
    const dir = await tempDir("bad-pi");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await writeFile(
        join(dir.path, "pi.jsonl"),
        `${JSON.stringify({ type: "session", version: 3, id: "pi", timestamp: "2025-01-01T00:00:00Z", cwd: "/" })}\n`,
      );
      await expectRefused(
        store,
        dir.path,
        "pi",
        "not_a_session",
        /pi\/OpenClaw transcript.*baton sessions import/,
      );
    } finally {
      await dir.remove();
    }
  });

  it("refuses a header from a future format version and says to upgrade", async () => {
    const dir = await tempDir("bad-future");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      const session = await store.create("future");
      await session.append([{ type: "note", text: "written by today's Baton" }]);
      await session.close();
      const path = join(dir.path, "future.jsonl");
      const text = await readFile(path, "utf8");
      await writeFile(path, text.replace('"version":1', '"version":99'));
      await expectRefused(
        store,
        dir.path,
        "future",
        "unsupported_version",
        /format version 99, newer than this Baton understands \(1\); upgrade Baton/,
      );
    } finally {
      await dir.remove();
    }
  });

  it("refuses an empty file", async () => {
    const dir = await tempDir("bad-empty");
    try {
      const store = new JsonlSessionStore({ dir: dir.path });
      await writeFile(join(dir.path, "empty.jsonl"), "");
      await expectRefused(store, dir.path, "empty", "not_a_session", /empty\.jsonl is empty, not a session/);
      expect(dirname(store.paths("empty").file)).toBe(dir.path);
    } finally {
      await dir.remove();
    }
  });

  it("refuses options it does not understand, naming the option", () => {
    expect(() => new JsonlSessionStore({ dir: "x", durability: "sometimes" as never })).toThrow(
      /option durability must be one of always, turn-end, never/,
    );
    expect(() => new JsonlSessionStore({ dir: "x", leaseTimeoutMs: -1 })).toThrow(
      /option leaseTimeoutMs must be a positive number/,
    );
    expect(() => new JsonlSessionStore({ dir: "" })).toThrow(/option dir/);
  });
});
