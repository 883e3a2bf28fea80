// The two measurements of the scaling benchmark. By session size: a generated transcript of N
// entries (compaction near the end), then repeated opens, single appends on top, and turns
// through the runner interleaved with the same model request sent straight to the simulator,
// then verify. By concurrency: C sessions, each with its own closed-loop worker running turns,
// then the same requests straight to the simulator at the same concurrency, then C workers
// appending to their own sessions at once.
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import { JsonlSessionStore } from "../../src/session/jsonl-session-store.ts";
import type { Simulator } from "../../src/simulator/index.ts";
import { benchBaton, closedLoop, type RecordedRequest, timedDirect, timedTurn } from "./harness.ts";
import { writeTranscript } from "./transcript.ts";

/** Turns and direct requests before anything is measured, so JIT and connection pools are warm. */
export async function warmUp(simulator: Simulator, root: string, turns: number): Promise<void> {
  const dir = join(root, "warm-up");
  const bench = await benchBaton(simulator, dir);
  try {
    for (let index = 0; index < turns; index += 1) {
      await timedTurn(bench.baton, "warm-up", `warm-up ${index}`);
      for (const request of bench.take()) await timedDirect(request);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What one small append + fsync costs on this disk (the unit most turn time is made of). */
export async function fsyncCost(root: string, runs: number): Promise<number[]> {
  const handle = await open(join(root, "fsync-probe"), "a", 0o600);
  const samples: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      await handle.write(`probe line ${run}\n`);
      await handle.sync();
      samples.push(performance.now() - started);
    }
  } finally {
    await handle.close();
    await rm(join(root, "fsync-probe"), { force: true });
  }
  return samples;
}

export interface SizeResult {
  readonly entries: number;
  readonly bytes: number;
  readonly generateMs: number;
  /** Bytes the last open read (the live context, not the file). */
  readonly openBytes: number;
  readonly contextEntries: number;
  readonly open: number[];
  readonly append: number[];
  readonly turn: number[];
  readonly direct: number[];
  readonly verifyMs: number;
}

export interface SizePlan {
  readonly opens: number;
  readonly appends: number;
  readonly turns: number;
}

const warmup = 5;
const turnsPerSession = 10;

export async function measureSize(
  simulator: Simulator,
  root: string,
  entries: number,
  plan: SizePlan,
): Promise<SizeResult> {
  const dir = join(root, `size-${entries}`);
  const bench = await benchBaton(simulator, dir);
  const sessions = join(dir, "sessions");
  const id = `size-${entries}`;
  try {
    const generated = await writeTranscript(sessions, id, entries);
    const store = new JsonlSessionStore({ dir: sessions, durability: "turn-end" });
    const open: number[] = [];
    let openBytes = 0;
    let contextEntries = 0;
    for (let run = 0; run < warmup + plan.opens; run += 1) {
      const started = performance.now();
      const session = await store.open(id);
      const elapsed = performance.now() - started;
      openBytes = session.lastLoadBytes;
      contextEntries = session.context().entries.length;
      await session.close();
      if (run >= warmup) open.push(elapsed);
    }
    const append: number[] = [];
    const session = await store.open(id);
    try {
      for (let index = 0; index < warmup + plan.appends; index += 1) {
        const started = performance.now();
        await session.append([{ type: "note", text: `bench note ${index}`, author: "bench" }]);
        if (index >= warmup) append.push(performance.now() - started);
      }
    } finally {
      await session.close();
    }
    const turn: number[] = [];
    const direct: number[] = [];
    for (let index = 0; index < warmup + plan.turns; index += 1) {
      const turnMs = await timedTurn(bench.baton, id, `question ${index}: what changed since the last turn?`);
      const [request] = bench.take();
      if (request === undefined) throw new Error("the turn sent no model request");
      const directMs = await timedDirect(request);
      if (index >= warmup) {
        turn.push(turnMs);
        direct.push(directMs);
      }
    }
    const verifyStarted = performance.now();
    const report = await store.verify(id);
    const verifyMs = performance.now() - verifyStarted;
    if (!report.ok) {
      throw new Error(
        `the ${entries}-entry session failed verify: ${JSON.stringify(report.problems.slice(0, 3))}`,
      );
    }
    return {
      entries: generated.entries,
      bytes: generated.bytes,
      generateMs: generated.ms,
      openBytes,
      contextEntries,
      open,
      append,
      turn,
      direct,
      verifyMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ConcurrencyResult {
  readonly sessions: number;
  readonly turn: number[];
  readonly turnSeconds: number;
  /** CPU ms per turn (the simulator's share included). */
  readonly turnCpuMs: number;
  readonly direct: number[];
  readonly directSeconds: number;
  readonly directCpuMs: number;
  readonly append: number[];
  readonly appendSeconds: number;
  readonly appendCpuMs: number;
}

export interface ConcurrencyPlan {
  /** Turns in all, split over the workers (at least `minPerWorker` each). */
  readonly turns: number;
  readonly appends: number;
  readonly minPerWorker: number;
}

export async function measureConcurrency(
  simulator: Simulator,
  root: string,
  sessions: number,
  plan: ConcurrencyPlan,
): Promise<ConcurrencyResult> {
  const dir = join(root, `concurrent-${sessions}`);
  const bench = await benchBaton(simulator, dir);
  // A worker moves to a new session every `turnsPerSession` turns, so the context a turn sends
  // stays as small at 1 session as at 512 (a turn's cost grows with the live context).
  const sessionId = (worker: number, index: number): string =>
    `c${sessions}-w${worker}-s${Math.floor(index / turnsPerSession)}`;
  const store = new JsonlSessionStore({ dir: join(dir, "sessions"), durability: "turn-end" });
  try {
    // One unmeasured turn per worker (on a session of its own) warms the connection pool; the
    // measured sessions are created beforehand, so no measured turn pays for creating one.
    await closedLoop(sessions, 1, (worker) =>
      timedTurn(bench.baton, `c${sessions}-w${worker}-warm`, "hello"),
    );
    bench.take();
    const turnsEach = Math.max(plan.minPerWorker, Math.ceil(plan.turns / sessions));
    await closedLoop(sessions, Math.ceil(turnsEach / turnsPerSession), async (worker, index) => {
      await (await store.create(sessionId(worker, index * turnsPerSession))).close();
      return 0;
    });
    const turns = await closedLoop(sessions, turnsEach, (worker, index) =>
      timedTurn(bench.baton, sessionId(worker, index), `question ${index} from worker ${worker}`),
    );
    const recorded: RecordedRequest[] = bench.take();
    if (recorded.length === 0) throw new Error("the turns sent no model requests");
    const direct = await closedLoop(sessions, turnsEach, (worker, index) =>
      timedDirect(recorded[(worker * turnsEach + index) % recorded.length] as RecordedRequest),
    );
    const handles = await Promise.all(
      Array.from({ length: sessions }, (_, worker) => store.open(sessionId(worker, 0))),
    );
    const appendsEach = Math.max(plan.minPerWorker, Math.ceil(plan.appends / sessions));
    let appends: Awaited<ReturnType<typeof closedLoop>>;
    try {
      appends = await closedLoop(sessions, appendsEach, async (worker, index) => {
        const handle = handles[worker];
        if (handle === undefined) throw new Error(`no handle for worker ${worker}`);
        const started = performance.now();
        await handle.append([{ type: "note", text: `note ${index} from worker ${worker}`, author: "bench" }]);
        return performance.now() - started;
      });
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    const report = await store.verify(sessionId(sessions - 1, 0));
    if (!report.ok)
      throw new Error(`concurrent session failed verify: ${JSON.stringify(report.problems.slice(0, 3))}`);
    return {
      sessions,
      turn: turns.samples,
      turnSeconds: turns.seconds,
      turnCpuMs: turns.cpuMs / turns.samples.length,
      direct: direct.samples,
      directSeconds: direct.seconds,
      directCpuMs: direct.cpuMs / direct.samples.length,
      append: appends.samples,
      appendSeconds: appends.seconds,
      appendCpuMs: appends.cpuMs / appends.samples.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
