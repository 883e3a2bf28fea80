// Turns inside one process: a second turn on the same session waits in order for the first to
// end, gets a larger fencing token, and each turn's entries carry its turn id. Turn-end
// durability flushes at the end entry.
import { describe, expect, it } from "vitest";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { SessionBusyError } from "../../src/session/session-errors.ts";
import { readOnDisk, tempDir } from "./fixtures/transcript.ts";

describe("turns in one process", () => {
  it("queue in order and never interleave", async () => {
    const dir = await tempDir("turns");
    try {
      const store = new JsonlSessionStore({ dir: dir.path, durability: "turn-end" });
      const first = await store.create("q");
      const second = await store.open("q");
      const order: string[] = [];
      const run = async (handle: typeof first, turnId: string): Promise<number> => {
        const turn = await handle.beginTurn({ turnId });
        order.push(`${turnId} start`);
        await turn.append([{ type: "message", message: { role: "user", content: `${turnId} asks` } }]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await turn.append([
          {
            type: "message",
            message: { role: "assistant", content: [{ type: "text", text: `${turnId} answers` }] },
          },
        ]);
        await turn.end("completed");
        order.push(`${turnId} end`);
        return turn.token;
      };
      const tokens = await Promise.all([run(first, "one"), run(second, "two"), run(first, "three")]);
      expect(order).toEqual(["one start", "one end", "two start", "two end", "three start", "three end"]);
      expect(tokens).toEqual([1, 2, 3]);
      const disk = await readOnDisk(dir.path, "q");
      expect(disk.live.map((entry) => entry.turnId)).toEqual([
        "one",
        "one",
        "one",
        "one",
        "two",
        "two",
        "two",
        "two",
        "three",
        "three",
        "three",
        "three",
      ]);
      expect(
        disk.live
          .filter((entry) => entry.type === "turn")
          .map((entry) => entry.type === "turn" && `${entry.phase}:${entry.outcome ?? ""}`),
      ).toEqual(["start:", "end:completed", "start:", "end:completed", "start:", "end:completed"]);
      await first.close();
      await second.close();
    } finally {
      await dir.remove();
    }
  });

  it("gives up with session_busy after timeoutMs while another turn holds the session; a released lease is free again", async () => {
    const dir = await tempDir("turns-busy");
    try {
      const storeA = new JsonlSessionStore({ dir: dir.path });
      const storeB = new JsonlSessionStore({ dir: dir.path });
      const a = await storeA.create("b");
      const turn = await a.beginTurn({ turnId: "long" });
      const b = await storeB.open("b");
      const waiting = b.beginTurn({ turnId: "impatient", wait: true, timeoutMs: 300 });
      await expect(waiting).rejects.toBeInstanceOf(SessionBusyError);
      await turn.release();
      const next = await b.beginTurn({ turnId: "impatient", wait: false });
      expect(next.token).toBe(2);
      await next.end("completed");
      await a.close();
      await b.close();
    } finally {
      await dir.remove();
    }
  });
});
