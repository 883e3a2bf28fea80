// Gathers a finished run's evidence from disk: every worker's records and tool executions,
// the writers' acknowledged notes, each session's transcript and archive (only the archive's
// valid length counts), its verify report, quarantine records and fenced side files, and the
// canary scan over every file of the run (quarantined bytes decoded). Each session is opened once
// first, as any next writer would, so a tail torn by the last SIGKILL is recovered before verify.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { JsonlSessionStore } from "../src/session/index.ts";
import { attribute, type SimRequest } from "./attribution.ts";
import { type CanaryKey, scanForCanaries } from "./canary.ts";
import type { EntryLine, Evidence, Incarnation, SessionFiles, WriterAck } from "./evidence.ts";
import type { GatewayRecord } from "./gateway-client.ts";
import { gatewayRecords } from "./gateway-records.ts";
import { buildTurns } from "./turns.ts";
import { readJsonLines, type ToolExecution, type WorkerRecord } from "./worker-log.ts";

export interface CollectInput {
  readonly seed: number;
  readonly workDir: string;
  readonly logsDir: string;
  readonly sessionsDir: string;
  readonly sessions: readonly string[];
  readonly workerSlots: readonly string[];
  /** Gateway lanes: their client records are in `logs/<slot>.lane.jsonl`. */
  readonly gatewaySlots?: readonly string[];
  readonly incarnations: readonly Incarnation[];
  readonly keys: readonly CanaryKey[];
  readonly requests: readonly SimRequest[];
  /** Search every file for the canary keys (default true; a re-check without the keys cannot). */
  readonly scan?: boolean;
}

function parseLines(text: string): { entries: EntryLine[]; unparsable: number } {
  const entries: EntryLine[] = [];
  let unparsable = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as EntryLine & { type: string };
      if (value.type !== "session") entries.push(value);
    } catch {
      unparsable += 1;
    }
  }
  return { entries, unparsable };
}

async function sessionFiles(
  store: JsonlSessionStore,
  dir: string,
  id: string,
  names: readonly string[],
): Promise<{ files: SessionFiles; quarantined: string[] }> {
  await (await store.open(id).catch(() => undefined))?.close();
  const paths = store.paths(id);
  const transcript = await readFile(paths.file, "utf8").catch(() => "");
  const header = (() => {
    try {
      return JSON.parse(transcript.slice(0, transcript.indexOf("\n"))) as { archive?: { bytes?: number } };
    } catch {
      return {};
    }
  })();
  const archive = await readFile(paths.archive).catch(() => Buffer.alloc(0));
  const valid = archive.subarray(0, header.archive?.bytes ?? 0).toString("utf8");
  const archived = parseLines(valid);
  const live = parseLines(transcript);
  const quarantine = await readJsonLines<{ base64?: string }>(paths.quarantine);
  const quarantined = quarantine.records.map((record) =>
    Buffer.from(record.base64 ?? "", "base64").toString("latin1"),
  );
  return {
    files: {
      id,
      entries: [...archived.entries, ...live.entries],
      unparsable: archived.unparsable + live.unparsable,
      verify: await store.verify(id),
      sideFiles: names.filter((name) => name.startsWith(`${id}.fenced-t`)).map((name) => join(dir, name)),
      quarantineRecords: quarantine.records.length,
    },
    quarantined,
  };
}

export async function collectEvidence(input: CollectInput): Promise<Evidence> {
  const records: WorkerRecord[] = [];
  const tools: ToolExecution[] = [];
  let tornRecords = 0;
  for (const slot of input.workerSlots) {
    const log = await readJsonLines<WorkerRecord>(join(input.logsDir, `${slot}.log`));
    records.push(...log.records);
    tornRecords += log.torn;
    tools.push(...(await readJsonLines<ToolExecution>(join(input.logsDir, `${slot}.tools.jsonl`))).records);
  }
  const writerAcks: WriterAck[] = [];
  for (const incarnation of input.incarnations) {
    if (incarnation.kind !== "writer" || incarnation.session === undefined) continue;
    const lines = await readJsonLines<{ note?: string; id?: string; seq?: number }>(incarnation.stdoutFile);
    for (const line of lines.records)
      if (line.note !== undefined && line.id !== undefined && line.seq !== undefined)
        writerAcks.push({
          slot: incarnation.slot,
          inc: incarnation.inc,
          session: incarnation.session,
          note: line.note,
          id: line.id,
          seq: line.seq,
        });
  }
  const store = new JsonlSessionStore({ dir: input.sessionsDir });
  const names = await readdir(input.sessionsDir).catch(() => []);
  const sessions: SessionFiles[] = [];
  const extra: { name: string; text: string }[] = [];
  for (const id of input.sessions) {
    const { files, quarantined } = await sessionFiles(store, input.sessionsDir, id, names);
    sessions.push(files);
    for (const [index, text] of quarantined.entries()) {
      extra.push({ name: `${id}.quarantine.jsonl record ${index + 1} (decoded)`, text });
    }
  }
  const lanes: GatewayRecord[] = [];
  for (const slot of input.gatewaySlots ?? []) {
    const lane = await readJsonLines<GatewayRecord>(join(input.logsDir, `${slot}.lane.jsonl`));
    lanes.push(...lane.records);
    tornRecords += lane.torn;
  }
  records.push(...(await gatewayRecords(lanes, input.sessionsDir, sessions)));
  const scan =
    input.scan === false
      ? { leaks: [], files: 0, bytes: 0 }
      : await scanForCanaries([input.workDir], input.keys, extra);
  const turns = buildTurns(records);
  return {
    seed: input.seed,
    records,
    turns,
    tools,
    writerAcks,
    requests: input.requests,
    keys: input.keys,
    incarnations: input.incarnations,
    sessions,
    leaks: scan.leaks,
    scanned: { files: scan.files, bytes: scan.bytes },
    tornRecords,
    attribution: attribute(
      input.requests,
      input.keys,
      turns,
      new Map(
        input.incarnations.map((incarnation) => [
          `${incarnation.slot}.${incarnation.inc}`,
          incarnation.endedAt ?? Date.now(),
        ]),
      ),
    ),
  };
}
