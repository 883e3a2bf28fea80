// 200 seeded rounds of SIGKILL at random moments while a real process appends (durability
// `always`, some entries large enough that a kill can tear the write) and compacts with
// rewrites. After every kill the session opens (a torn tail is quarantined) and every
// acknowledged append is on disk exactly once; after every tenth kill verify passes.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockStats } from "../../src/session/append-lock.ts";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import { readQuarantine } from "../../src/session/quarantine.ts";
import { killAll, startWorker } from "./fixtures/children.ts";
import { seededRandom } from "./fixtures/seeded-random.ts";
import { readIdsOnDisk, tempDir } from "./fixtures/transcript.ts";

afterEach(killAll);

const rounds = 200;
const lanes = 2;
const roundsPerSession = 10;

interface Tally {
  torn: number;
  lockHeldAtDeath: number;
  recoveredLocks: number;
  killedBeforeReady: number;
}

async function lane(dir: string, laneIndex: number, seed: number, tally: Tally): Promise<void> {
  const random = seededRandom(seed + laneIndex);
  const store = new JsonlSessionStore({ dir, durability: "always", lockStaleMs: 60_000 });
  let acknowledged: string[] = [];
  let id = "";
  for (let round = 0; round < rounds / lanes; round += 1) {
    const where = `seed ${seed}, lane ${laneIndex}, round ${round}`;
    if (round % roundsPerSession === 0) {
      if (id !== "") {
        for (const suffix of [".jsonl", ".archive.jsonl", ".quarantine.jsonl"])
          await rm(join(dir, `${id}${suffix}`), { force: true });
      }
      id = `lane${laneIndex}-s${round}`;
      await (await store.create(id)).close();
      acknowledged = [];
    }
    const worker = startWorker({
      mode: "crash",
      dir,
      id,
      tag: `r${round}`,
      seed: Math.floor(random() * 2 ** 31),
      durability: "always",
    });
    // Most kills land while the worker appends and compacts; one in ten while it starts or opens.
    if (random() < 0.1) {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 150)));
      if (!worker.lines.includes("ready")) tally.killedBeforeReady += 1;
    } else {
      await worker.waitFor((line) => line === "ready");
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 120)));
    }
    worker.child.kill("SIGKILL");
    const exit = await worker.exited;
    expect(exit.code === 0 ? worker.stderr() : "", where).toBe("");
    if (existsSync(join(dir, `${id}.lock`))) tally.lockHeldAtDeath += 1;
    acknowledged.push(...worker.lines.filter((line) => line.startsWith("ack ")).map((line) => line.slice(4)));

    const before = lockStats.brokenStale;
    const session = await store.open(id).catch((error: unknown) => {
      throw new Error(`${where}: the session did not open: ${String(error)}`);
    });
    tally.recoveredLocks += lockStats.brokenStale - before;
    await session.close();
    const disk = await readIdsOnDisk(dir, id);
    expect(disk.endsClean, where).toBe(true);
    const present = new Map<string, number>();
    for (const entryId of disk.ids) present.set(entryId, (present.get(entryId) ?? 0) + 1);
    const lost = acknowledged.filter((ackId) => present.get(ackId) !== 1);
    expect(lost, `${where}: acknowledged appends missing or duplicated`).toEqual([]);
    if (round % roundsPerSession === roundsPerSession - 1) {
      // The whole session, every check, once per session (after its tenth kill).
      const report = await store.verify(id);
      expect(report.problems, where).toEqual([]);
      tally.torn += (await readQuarantine(store.paths(id))).filter(
        (record) => record.reason === "torn tail",
      ).length;
    }
  }
}

describe("crash safety", () => {
  it(`survives ${rounds} SIGKILLs during appends and rewrites`, async () => {
    const seed = Number(process.env.BATON_CRASH_SEED ?? Date.now() % 100_000);
    const dir = await tempDir("crash");
    const tally: Tally = { torn: 0, lockHeldAtDeath: 0, recoveredLocks: 0, killedBeforeReady: 0 };
    try {
      await Promise.all(Array.from({ length: lanes }, (_, index) => lane(dir.path, index, seed, tally)));
      console.log(
        `crash: seed ${seed}: ${rounds} rounds, ${tally.torn} torn tails quarantined, ${tally.lockHeldAtDeath} kills while holding the append lock, ${tally.recoveredLocks} stale append locks broken on open, ${tally.killedBeforeReady} kills before the session was open`,
      );
    } catch (error) {
      console.error(`crash test failed with seed ${seed} (rerun with BATON_CRASH_SEED=${seed})`);
      throw error;
    } finally {
      await dir.remove();
    }
  }, 240_000);
});
