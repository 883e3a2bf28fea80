// Turn leases across real processes: a holder killed with SIGKILL is taken over; a holder
// frozen with SIGSTOP is taken over once its heartbeat expires, and when it resumes its next
// write is fenced: nothing reaches the transcript, its output is in the side file, and the
// error is `session_conflict` (scope runtime). A second turn that will not wait is told who
// holds the session.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import type { TurnEntry } from "../../src/session/session-entry.ts";
import { SessionBusyError, type SessionError } from "../../src/session/session-errors.ts";
import { killAll, startWorker } from "./fixtures/children.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

afterEach(killAll);

const leaseTimeoutMs = 1500;

interface HolderResult {
  readonly ok: boolean;
  readonly conflict?: boolean;
  readonly reason?: string;
  readonly scope?: string;
  readonly sideFile?: string;
  readonly message?: string;
}

function parseEvent<T>(line: string): T {
  return JSON.parse(line) as T;
}

function turnStarts(entries: readonly { type: string }[]): TurnEntry[] {
  return entries.filter(
    (entry): entry is TurnEntry => entry.type === "turn" && (entry as TurnEntry).phase === "start",
  );
}

describe("turn lease across processes", () => {
  it("tells a turn that will not wait who holds the session", async () => {
    const dir = await tempDir("lease-busy");
    try {
      const store = new JsonlSessionStore({ dir: dir.path, leaseTimeoutMs });
      await (await store.create("busy")).close();
      const holder = startWorker({
        mode: "lease-holder",
        dir: dir.path,
        id: "busy",
        tag: "holder-turn",
        leaseTimeoutMs,
      });
      await holder.waitFor((line) => line.includes('"ready"'));
      const session = await store.open("busy");
      const error = await session
        .beginTurn({ turnId: "second", wait: false })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SessionBusyError);
      expect((error as SessionError).code).toBe("session_busy");
      expect((error as Error).message).toMatch(
        new RegExp(
          `^session busy: turn holder-turn held by pid ${holder.child.pid} .*since \\d{4}-\\d\\d-\\d\\dT`,
        ),
      );
      holder.send("go");
      const result = parseEvent<HolderResult>(await holder.waitFor((line) => line.includes('"result"')));
      expect(result.ok).toBe(true);
      const turn = await session.beginTurn({ turnId: "second", wait: false });
      await turn.end("completed");
      await session.close();
    } finally {
      await dir.remove();
    }
  });

  it("lets a new turn take over from a holder killed with SIGKILL, with a larger token", async () => {
    const dir = await tempDir("lease-kill");
    try {
      const store = new JsonlSessionStore({ dir: dir.path, leaseTimeoutMs });
      await (await store.create("killed")).close();
      const holder = startWorker({
        mode: "lease-holder",
        dir: dir.path,
        id: "killed",
        tag: "doomed",
        leaseTimeoutMs,
      });
      const ready = parseEvent<{ token: number }>(await holder.waitFor((line) => line.includes('"ready"')));
      holder.child.kill("SIGKILL");
      await holder.exited;

      const taker = startWorker({
        mode: "turn-taker",
        dir: dir.path,
        id: "killed",
        tag: "survivor",
        leaseTimeoutMs,
      });
      const taken = parseEvent<{ ok: boolean; token: number }>(
        await taker.waitFor((line) => line.includes('"result"')),
      );
      expect(taken.ok).toBe(true);
      expect(taken.token).toBeGreaterThan(ready.token);

      const disk = await readOnDisk(dir.path, "killed");
      const texts = disk.live.flatMap((entry) =>
        entry.type === "message" && entry.message.role === "user" ? [entry.message.content] : [],
      );
      expect(texts).toEqual(["question from the holder", "question from the new turn"]);
      const survivorStart = turnStarts(disk.live).find((entry) => entry.turnId === "survivor");
      expect(survivorStart?.detail).toMatch(/took over from turn doomed .*holder-dead/);
      expect((await store.verify("killed")).ok).toBe(true);
    } finally {
      await dir.remove();
    }
  });

  it("fences a holder stopped with SIGSTOP, taken over, then resumed: its output goes to the side file", async () => {
    const dir = await tempDir("lease-stop");
    try {
      const store = new JsonlSessionStore({ dir: dir.path, leaseTimeoutMs });
      await (await store.create("stopped")).close();
      const holder = startWorker({
        mode: "lease-holder",
        dir: dir.path,
        id: "stopped",
        tag: "frozen",
        leaseTimeoutMs,
      });
      await holder.waitFor((line) => line.includes('"ready"'));
      holder.child.kill("SIGSTOP");

      const taker = startWorker({
        mode: "turn-taker",
        dir: dir.path,
        id: "stopped",
        tag: "new-turn",
        leaseTimeoutMs,
      });
      const taken = parseEvent<{ ok: boolean }>(await taker.waitFor((line) => line.includes('"result"')));
      expect(taken.ok).toBe(true);

      holder.child.kill("SIGCONT");
      holder.send("go");
      const result = parseEvent<HolderResult>(await holder.waitFor((line) => line.includes('"result"')));
      expect(result).toMatchObject({
        ok: false,
        conflict: true,
        reason: "session_conflict",
        scope: "runtime",
      });
      expect(result.message).toContain(result.sideFile);

      const disk = await readOnDisk(dir.path, "stopped");
      const everything = JSON.stringify(disk.all);
      expect(everything).not.toContain("late answer from the holder");
      expect(disk.live.filter((entry) => entry.turnId === "frozen").map((entry) => entry.type)).toEqual([
        "turn",
        "message",
      ]);
      expect(turnStarts(disk.live).find((entry) => entry.turnId === "new-turn")?.detail).toMatch(
        /heartbeat-expired/,
      );

      const side = await readFile(result.sideFile as string, "utf8");
      expect(side).toContain("late answer from the holder");
      expect(JSON.parse(side.split("\n")[0] ?? "")).toMatchObject({
        type: "fenced",
        turnId: "frozen",
        sessionId: "stopped",
      });
      expect((await store.verify("stopped")).ok).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});
