// A background writer in its own process, as compaction, maintenance or memory sync would be:
// appends a note to a session every N ms and compacts it every M ms, through the session
// store API only, until SIGTERM. Prints one JSON line per acknowledged write, so whoever
// started it can check afterwards that every acknowledged note is in the transcript.
// Used by `baton demo` and by the session-race tests.
//   node note-writer.ts --dir DIR --id ID [--every-ms 50] [--compact-every-ms 0] [--keep 4]
import { parseArgs } from "node:util";
import { JsonlSessionStore } from "../../session/jsonl-session-store.ts";
import { countingSummariser } from "../../session/simple-summariser.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    id: { type: "string" },
    "every-ms": { type: "string", default: "50" },
    "compact-every-ms": { type: "string", default: "0" },
    keep: { type: "string", default: "4" },
  },
});
if (values.dir === undefined || values.id === undefined) {
  process.stderr.write("note-writer: --dir and --id are required\n");
  process.exit(2);
}
const store = new JsonlSessionStore({ dir: values.dir, durability: "always" });
const everyMs = Number(values["every-ms"]);
const compactEveryMs = Number(values["compact-every-ms"]);
let stopping = false;
process.on("SIGTERM", () => {
  stopping = true;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
let lastCompaction = Date.now();
let count = 0;
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
while (!stopping) {
  count += 1;
  const text = `background note ${count} from pid ${process.pid}`;
  const result = await store.appendNote(values.id, { text, author: "note-writer" });
  const entry = result.entries[0];
  process.stdout.write(`${JSON.stringify({ note: text, id: entry?.id, seq: entry?.seq })}\n`);
  if (compactEveryMs > 0 && Date.now() - lastCompaction >= compactEveryMs) {
    const compacted = await store.compact(values.id, countingSummariser, { keepRecent: Number(values.keep) });
    process.stdout.write(`${JSON.stringify({ compacted: compacted.compacted })}\n`);
    lastCompaction = Date.now();
  }
  await sleep(everyMs);
}
process.exit(0);
