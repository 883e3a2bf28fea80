// `baton sessions ...`: list, show, verify, repair, compact, note and import sessions in a
// sessions folder. Thin: parses arguments, calls the session store, prints. Exit codes: 0 ok,
// 1 damage found (verify), 2 usage, 6 a session error (not found, corrupt, busy, bad input).
import { resolve } from "node:path";
import { JsonlSessionStore } from "../../session/jsonl-session-store.ts";
import { contextMessages } from "../../session/live-context.ts";
import type { SessionEntry } from "../../session/session-entry.ts";
import { SessionError } from "../../session/session-errors.ts";
import { countingSummariser } from "../../session/simple-summariser.ts";
import type { Command, CommandIo } from "../command.ts";
import { UsageError } from "../command.ts";
import { ExitCode } from "../exit-codes.ts";

/** Exit code for a session error (not found, corrupt, busy, bad input file): the CLI-wide one. */
export const sessionErrorExitCode = ExitCode.session;
/** Exit code of `verify` when it found damage. */
export const damageExitCode = 1;

const help = `Usage: baton sessions <action> [options]

Actions:
  list                      List the sessions in the folder
  show ID                   Print the session's live context (latest compaction to the leaf)
  verify ID                 Check seq order, parent links, header and JSON; exit 1 on damage
  repair ID                 Rewrite a damaged session; every removed byte goes to ID.quarantine.jsonl
  compact ID [--keep N]     Summarise all but the last N entries (default 20) and archive them.
                            The CLI uses a built-in summariser (counts and first lines of user
                            messages), not a model; turns run by Baton pass a model-backed one.
             [--no-rewrite] Only append the compaction entry; keep old entries in the file
  note ID TEXT [--author A] Append a note as a background writer
  import FILE [--id ID]     Import an OpenClaw/pi JSONL transcript (format version 1-3)

Options:
  --dir DIR   Sessions folder (default: $BATON_SESSIONS_DIR, else .baton/sessions)
  --json      Machine-readable output

Exit codes: 0 ok, 1 damage found (verify), 2 usage error, 6 session error
(not found, corrupt, busy, not a session, unsupported version, import failed).
`;

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

const valueFlags = new Set(["--dir", "--id", "--keep", "--author"]);
const booleanFlags = new Set(["--json", "--no-rewrite"]);

function parse(args: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === "--") {
      positional.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (valueFlags.has(name)) {
      const value = inline ?? args[index + 1];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (inline === undefined) index += 1;
      flags.set(name, value);
    } else if (booleanFlags.has(name) && inline === undefined) {
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return { positional, flags };
}

function want(parsed: Parsed, count: number, usage: string): string[] {
  const rest = parsed.positional.slice(1);
  if (rest.length !== count) throw new UsageError(`expected: baton sessions ${usage}`);
  return rest;
}

function print(io: CommandIo, text: string): void {
  io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function describe(entry: SessionEntry): string {
  const oneLine = (text: string): string => {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > 100 ? `${line.slice(0, 99)}…` : line;
  };
  switch (entry.type) {
    case "message": {
      const message = entry.message;
      if (message.role === "assistant") {
        const text = message.content
          .map((part) => (part.type === "tool-call" ? `[call ${part.toolName}]` : part.text))
          .join(" ");
        const by = entry.model === undefined ? "" : ` (${entry.provider ?? "?"}/${entry.model})`;
        return `assistant${by}: ${oneLine(text)}`;
      }
      if (message.role === "tool") return `tool ${message.toolName}: ${oneLine(message.output)}`;
      return `${message.role}: ${oneLine(message.content)}`;
    }
    case "turn":
      return `turn ${entry.turnId} ${entry.phase}${entry.outcome === undefined ? "" : ` (${entry.outcome})`}`;
    case "compaction":
      return `compaction of seq ${entry.covers.fromSeq}-${entry.covers.throughSeq}: ${oneLine(entry.summary)}`;
    case "note":
      return `note${entry.author === undefined ? "" : ` by ${entry.author}`}: ${oneLine(entry.text)}`;
  }
}

async function runAction(
  parsed: Parsed,
  io: CommandIo,
  store: JsonlSessionStore,
  json: boolean,
): Promise<number> {
  const action = parsed.positional[0];
  switch (action) {
    case "list": {
      want(parsed, 0, "list");
      const sessions = await store.list();
      if (json) print(io, JSON.stringify(sessions, null, 2));
      else if (sessions.length === 0) print(io, `no sessions in ${store.dir}`);
      else
        for (const s of sessions)
          print(
            io,
            `${s.id}  ${s.problem ?? `generation ${s.generation ?? "?"}`}  ${s.bytes} bytes  modified ${s.modifiedAt}`,
          );
      return 0;
    }
    case "show": {
      const [id] = want(parsed, 1, "show ID") as [string];
      const session = await store.open(id);
      const context = session.context();
      await session.close();
      if (json) {
        print(io, JSON.stringify({ ...context, messages: contextMessages(context) }, null, 2));
        return 0;
      }
      print(
        io,
        `session ${id}: generation ${context.generation}, ${context.entries.length} live entries, last seq ${context.lastSeq}`,
      );
      for (const entry of context.entries) print(io, `${String(entry.seq).padStart(6)}  ${describe(entry)}`);
      return 0;
    }
    case "verify": {
      const [id] = want(parsed, 1, "verify ID") as [string];
      const report = await store.verify(id);
      if (json) print(io, JSON.stringify(report, null, 2));
      else {
        for (const problem of report.problems) {
          print(
            io,
            `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`}: ${problem.message}`,
          );
        }
        for (const note of report.notes) print(io, `note: ${note}`);
        print(
          io,
          report.ok
            ? `ok: ${id} (${report.entries} entries, ${report.archivedEntries} archived, generation ${report.generation})`
            : `damaged: ${id} has ${report.problems.length} problem(s); run \`baton sessions repair ${id} --dir ${store.dir}\``,
        );
      }
      return report.ok ? 0 : damageExitCode;
    }
    case "repair": {
      const [id] = want(parsed, 1, "repair ID") as [string];
      const report = await store.repair(id);
      if (json) print(io, JSON.stringify(report, null, 2));
      else if (!report.repaired) print(io, `nothing to repair in ${id}`);
      else {
        for (const removed of report.removed)
          print(io, `${removed.file}:${removed.line}: ${removed.message}`);
        print(
          io,
          `repaired ${id}: ${report.removed.length} line(s) quarantined in ${report.quarantineFile}, ${report.relinked} relinked; generation ${report.generation}`,
        );
      }
      return 0;
    }
    case "compact": {
      const [id] = want(parsed, 1, "compact ID [--keep N]") as [string];
      const keepText = parsed.flags.get("--keep");
      const keepRecent = keepText === undefined ? 20 : Number(keepText);
      if (!Number.isInteger(keepRecent) || keepRecent < 0)
        throw new UsageError(`--keep must be a non-negative integer (got ${String(keepText)})`);
      const result = await store.compact(id, countingSummariser, {
        keepRecent,
        rewrite: !parsed.flags.has("--no-rewrite"),
      });
      if (json) print(io, JSON.stringify(result, null, 2));
      else if (!result.compacted)
        print(
          io,
          `${id}: ${result.reason === "nothing-to-compact" ? "nothing to compact" : "another writer compacted first; nothing done"}`,
        );
      else {
        const covers = result.entry.covers;
        print(
          io,
          `compacted ${id}: ${covers.entries} entries summarised (seq ${covers.fromSeq}-${covers.throughSeq}), ${result.archived} archived; generation ${result.generation}`,
        );
      }
      return 0;
    }
    case "note": {
      const [id, text] = want(parsed, 2, 'note ID "text"') as [string, string];
      const author = parsed.flags.get("--author");
      const result = await store.appendNote(id, typeof author === "string" ? { text, author } : { text });
      const entry = result.entries[0];
      if (json) print(io, JSON.stringify(entry, null, 2));
      else print(io, `appended note seq ${entry?.seq} to ${id}`);
      return 0;
    }
    case "import": {
      const [file] = want(parsed, 1, "import FILE [--id ID]") as [string];
      const id = parsed.flags.get("--id");
      const result = await store.importTranscript(
        resolve(io.cwd, file),
        typeof id === "string" ? { id } : {},
      );
      for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
      if (json) print(io, JSON.stringify(result, null, 2));
      else
        print(
          io,
          `imported ${file} (${result.sourceFormat}) as session ${result.sessionId}: ${result.entries} entries, ${result.pathMessages} messages in the context`,
        );
      return 0;
    }
    case undefined:
      throw new UsageError("missing action (list, show, verify, repair, compact, note, import)");
    default:
      throw new UsageError(`unknown action '${action}'`);
  }
}

export const sessionsCommand: Command = {
  name: "sessions",
  summary: "List, show, verify, repair, compact, annotate and import session transcripts",
  help,
  async run(args, io) {
    const parsed = parse(args);
    const dirFlag = parsed.flags.get("--dir");
    const dir = resolve(
      io.cwd,
      typeof dirFlag === "string" ? dirFlag : io.env.BATON_SESSIONS_DIR || ".baton/sessions",
    );
    const store = new JsonlSessionStore({ dir });
    try {
      return await runAction(parsed, io, store, parsed.flags.has("--json"));
    } catch (error) {
      if (!SessionError.isInstance(error)) throw error;
      io.stderr.write(`baton sessions: ${error.message}\n`);
      return sessionErrorExitCode;
    }
  },
};
