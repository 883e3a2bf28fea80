// Session store benchmarks: append throughput and latency (durability `always` and `never`,
// alone and with a background writer in another process), append cost at entry 10 versus deep
// into a 100 MB transcript, and the time to open that transcript (latest compaction near the
// end) versus reading it whole. Run directly with `--background-writer DIR ID` it is the
// background writer: it appends notes until its stdin closes.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeEntry, encodeHeader } from "../src/session/entry-codec.ts";
import { JsonlSessionStore } from "../src/session/jsonl-session-store.ts";
import type { Durability, SessionEntry } from "../src/session/session-entry.ts";
import { type BenchTable, percentile } from "./table.ts";

const command = "npm run bench -- session";

type Unassigned = SessionEntry extends infer Entry
  ? Entry extends SessionEntry
    ? Omit<Entry, "seq" | "id" | "parentId" | "timestamp">
    : never
  : never;

async function backgroundWriter(dir: string, id: string): Promise<void> {
  const store = new JsonlSessionStore({ dir, durability: "never" });
  let open = true;
  process.stdin.on("end", () => {
    open = false;
  });
  process.stdin.resume();
  let count = 0;
  while (open) {
    await store.appendNote(id, { text: `background note ${count}`, author: "bench" });
    count += 1;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  process.stdout.write(`${count}\n`);
}

function startBackgroundWriter(
  dir: string,
  id: string,
): { child: ChildProcess; stop: () => Promise<number> } {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--background-writer", dir, id], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return {
    child,
    stop: async () => {
      child.stdin?.end();
      await closed;
      return Number(output.trim());
    },
  };
}

async function timeAppends(store: JsonlSessionStore, id: string, count: number): Promise<number[]> {
  const session = await store.open(id);
  const samples: number[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      await session.append([
        { type: "message", message: { role: "user", content: `message ${index} ${"x".repeat(200)}` } },
      ]);
      samples.push(performance.now() - started);
    }
  } finally {
    await session.close();
  }
  return samples;
}

async function appendTable(root: string): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  const cases: [Durability, boolean, number][] = [
    ["always", false, 400],
    ["always", true, 400],
    ["never", false, 3000],
    ["never", true, 3000],
  ];
  for (const [durability, withWriter, count] of cases) {
    const dir = join(root, `append-${durability}-${withWriter}`);
    const store = new JsonlSessionStore({ dir, durability });
    await (await store.create("bench")).close();
    const writer = withWriter ? startBackgroundWriter(dir, "bench") : undefined;
    if (writer !== undefined) await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const samples = await timeAppends(store, "bench", count);
    const seconds = (performance.now() - started) / 1000;
    const background = writer === undefined ? undefined : await writer.stop();
    rows.push([
      durability,
      withWriter ? "yes" : "no",
      count,
      Math.round(count / seconds),
      percentile(samples, 50),
      percentile(samples, 99),
    ]);
    if (background !== undefined)
      notes.push(`durability ${durability}: the background writer appended ${background} notes meanwhile`);
    const report = await store.verify("bench");
    if (!report.ok) throw new Error(`bench session damaged: ${JSON.stringify(report.problems.slice(0, 3))}`);
  }
  return {
    title: "Session appends (one entry per append, one process; background writer in a second process)",
    command,
    columns: ["durability", "background writer", "appends", "appends/s", "p50 ms", "p99 ms"],
    rows,
    notes: [
      ...notes,
      "Each append takes the append lock, reads what others appended since, writes one line, and fsyncs when durability is `always`.",
    ],
  };
}

/** Writes a ~100 MB transcript: many entries, then an append-only compaction near the end and a short tail. */
async function writeLargeTranscript(
  dir: string,
  id: string,
  targetBytes: number,
): Promise<{ entries: number; bytes: number }> {
  const out = createWriteStream(join(dir, `${id}.jsonl`), { mode: 0o600 });
  const write = (text: string): Promise<void> =>
    new Promise((resolve) => {
      if (out.write(text)) resolve();
      else out.once("drain", () => resolve());
    });
  const timestamp = new Date().toISOString();
  await write(
    encodeHeader({
      type: "session",
      format: "baton-session",
      version: 1,
      id,
      createdAt: timestamp,
      generation: 0,
      archive: { bytes: 0, throughSeq: 0 },
    }),
  );
  let bytes = 0;
  let seq = 0;
  let parentId: string | null = null;
  const filler = "lorem ipsum dolor sit amet ".repeat(30);
  const add = async (entry: Unassigned): Promise<string> => {
    seq += 1;
    const id = `e${seq.toString(16).padStart(12, "0")}`;
    const line = encodeEntry({ ...entry, seq, id, parentId, timestamp } as SessionEntry);
    bytes += line.length;
    parentId = id;
    await write(line);
    return id;
  };
  let firstKept = "";
  let firstKeptSeq = 0;
  while (bytes < targetBytes) {
    const role = seq % 2 === 0 ? "user" : "assistant";
    const id = await add(
      role === "user"
        ? { type: "message", message: { role: "user", content: `question ${seq}: ${filler}` } }
        : {
            type: "message",
            message: { role: "assistant", content: [{ type: "text", text: `answer ${seq}: ${filler}` }] },
          },
    );
    if (bytes >= targetBytes - 40_000 && firstKept === "") {
      firstKept = id;
      firstKeptSeq = seq;
    }
  }
  await add({
    type: "compaction",
    summary: "Everything before was about lorem ipsum.",
    firstKeptId: firstKept,
    firstKeptSeq,
    covers: { fromSeq: 1, throughSeq: firstKeptSeq - 1, entries: firstKeptSeq - 1 },
    rewrite: false,
  });
  for (let index = 0; index < 20; index += 1) await add({ type: "note", text: `after compaction ${index}` });
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { entries: seq, bytes: (await stat(join(dir, `${id}.jsonl`))).size };
}

function median(sample: readonly number[]): number {
  return percentile(sample, 50);
}

async function largeTables(root: string): Promise<BenchTable[]> {
  const dir = join(root, "large");
  const store = new JsonlSessionStore({ dir, durability: "never" });
  await (await store.create("small")).close();
  const { entries, bytes } = await writeLargeTranscript(dir, "large", 100 * 2 ** 20);

  const openTimes: number[] = [];
  let liveEntries = 0;
  let bytesRead = 0;
  for (let run = 0; run < 7; run += 1) {
    const started = performance.now();
    const session = await store.open("large");
    openTimes.push(performance.now() - started);
    liveEntries = session.context().entries.length;
    bytesRead = session.lastLoadBytes;
    await session.close();
  }
  const wholeTimes: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const text = await readFile(join(dir, "large.jsonl"), "utf8");
    let parsed = 0;
    for (const line of text.split("\n")) if (line.length > 0) parsed += JSON.parse(line) === null ? 0 : 1;
    wholeTimes.push(performance.now() - started);
    if (parsed !== entries + 1) throw new Error("large transcript miscounted");
  }
  const verifyStarted = performance.now();
  const report = await store.verify("large");
  const verifyMs = performance.now() - verifyStarted;
  if (!report.ok) throw new Error("large transcript failed verify");

  const small = await timeAppends(store, "small", 300);
  const deep = await timeAppends(store, "large", 300);
  const openMs = median(openTimes);
  return [
    {
      title: "Opening a 100 MB transcript whose latest compaction is near the end",
      command,
      columns: ["how", "bytes read", "entries", "median ms"],
      rows: [
        ["store.open (latest compaction to leaf)", bytesRead, liveEntries, openMs],
        ["read whole file + JSON.parse every line", bytes, entries + 1, median(wholeTimes)],
        ["store.verify (whole file, all checks)", bytes, entries, verifyMs],
      ],
      notes: [
        `Goal: open under 50 ms: ${openMs < 50 ? "met" : "NOT met"} (${openMs.toFixed(1)} ms, median of ${openTimes.length}).`,
        `The file holds ${entries} entries (${(bytes / 2 ** 20).toFixed(1)} MiB); open read ${(bytesRead / 1024).toFixed(0)} KiB of it.`,
      ],
      goals: [
        {
          name: "Open a 100 MB transcript (latest compaction near the end, median)",
          target: "< 50 ms",
          measured: `${openMs.toFixed(2)} ms`,
          met: openMs < 50,
        },
      ],
    },
    {
      title: "Append cost does not grow with the transcript (durability never)",
      command,
      columns: ["session", "entries before", "appends", "p50 ms", "p99 ms"],
      rows: [
        ["fresh", 0, small.length, percentile(small, 50), percentile(small, 99)],
        ["100 MB transcript", entries, deep.length, percentile(deep, 50), percentile(deep, 99)],
      ],
      notes: ["An append reads the header and only the bytes appended since the writer's last offset."],
    },
  ];
}

export async function run(): Promise<BenchTable[]> {
  const root = await mkdtemp(join(tmpdir(), "baton-session-bench-"));
  try {
    const appends = await appendTable(root);
    const large = await largeTables(root);
    return [appends, ...large];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === "--background-writer") {
  await backgroundWriter(process.argv[3] as string, process.argv[4] as string);
}
