// The append lock's stale detection against real processes: a lock whose holder is dead is
// broken at once even with a fresh heartbeat (pid, not age, decides); a lock whose pid now
// belongs to another process (start time differs) is broken; a live holder with a fresh
// heartbeat is waited for (and the writer gives up with the holder's pid, writing nothing); a
// live holder whose heartbeat stopped (frozen) is broken.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { parseProcStat } from "../../src/session/process-identity.ts";
import { SessionError } from "../../src/session/session-errors.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGKILL");
      await closed;
    }
  }
});

async function sleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000); console.log('up')"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(child);
  await new Promise((resolve) => child.stdout?.once("data", resolve));
  return child;
}

function startTimeOf(pid: number): number | null {
  return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.startTime ?? null;
}

async function plantLock(
  path: string,
  pid: number,
  startTime: number | null,
  heartbeatAgeMs = 0,
): Promise<void> {
  await writeFile(
    path,
    JSON.stringify({
      pid,
      startTime,
      hostname: hostname(),
      nonce: "planted",
      acquiredAt: new Date().toISOString(),
    }),
  );
  const when = new Date(Date.now() - heartbeatAgeMs);
  await utimes(path, when, when);
}

async function setup(name: string, options: { lockStaleMs?: number; lockTimeoutMs?: number } = {}) {
  const dir = await tempDir(name);
  const store = new JsonlSessionStore({ dir: dir.path, ...options });
  await (await store.create("s")).close();
  return { dir, store, lock: store.paths("s").lock };
}

describe("append lock stale detection", () => {
  it("breaks the lock of a dead holder at once, even though its heartbeat is fresh", async () => {
    const { dir, store, lock } = await setup("lock-dead", { lockStaleMs: 600_000, lockTimeoutMs: 20_000 });
    try {
      const child = spawn(process.execPath, ["-e", "0"]);
      const pid = child.pid as number;
      await new Promise((resolve) => child.once("close", resolve));
      await plantLock(lock, pid, null);
      const result = await store.appendNote("s", { text: "after a dead holder" });
      expect(result.entries[0]?.seq).toBe(1);
    } finally {
      await dir.remove();
    }
  });

  it("breaks a lock whose pid now belongs to a different process (start time differs)", async () => {
    const { dir, store, lock } = await setup("lock-reused", { lockStaleMs: 600_000, lockTimeoutMs: 20_000 });
    try {
      const other = await sleeper();
      const pid = other.pid as number;
      const startTime = startTimeOf(pid);
      expect(startTime).not.toBeNull();
      await plantLock(lock, pid, (startTime as number) - 1);
      expect((await store.appendNote("s", { text: "pid was recycled" })).entries).toHaveLength(1);
    } finally {
      await dir.remove();
    }
  });

  it("waits for a live holder with a fresh heartbeat, then gives up naming it and writes nothing", async () => {
    const { dir, store, lock } = await setup("lock-live", { lockStaleMs: 600_000, lockTimeoutMs: 400 });
    try {
      const holder = await sleeper();
      await plantLock(lock, holder.pid as number, startTimeOf(holder.pid as number));
      const error = await store.appendNote("s", { text: "must not land" }).catch((caught: unknown) => caught);
      expect(SessionError.isInstance(error) && error.code).toBe("lock_timeout");
      expect((error as Error).message).toContain(`held by pid ${holder.pid}`);
      expect((await readOnDisk(dir.path, "s")).live).toEqual([]);
    } finally {
      await dir.remove();
    }
  });

  it("breaks the lock of a live holder whose heartbeat stopped (a frozen process)", async () => {
    const { dir, store, lock } = await setup("lock-frozen", { lockStaleMs: 2_000, lockTimeoutMs: 20_000 });
    try {
      const holder = await sleeper();
      await plantLock(lock, holder.pid as number, startTimeOf(holder.pid as number), 60_000);
      expect((await store.appendNote("s", { text: "after a frozen holder" })).entries).toHaveLength(1);
    } finally {
      await dir.remove();
    }
  });
});
