// `baton trace ID`: a readable timeline of a session's turns from its trace file: every
// attempt, wait, skip, rotation, rebase and tool call, with times relative to the turn start.
import { join, resolve } from "node:path";
import { formatDuration } from "../../failover/error-message.ts";
import { readTraceLines, type TraceLine } from "../../trace/trace-file.ts";
import type { TurnEvent } from "../../turn/turn-event.ts";
import { type Command, type CommandIo, UsageError } from "../command.ts";
import { parseCommandArgs } from "../command-args.ts";
import { decisionLine } from "../decision-line.ts";
import { ExitCode } from "../exit-codes.ts";
import { loadBaton } from "../load-baton.ts";

const help = `Usage: baton trace ID [--turn N] [--json] [--config FILE | --dir DIR]

Prints the timeline of a session's turns: every attempt with its outcome, every wait, skip,
credential rotation, breaker change, rebase over other writers, and tool call, with the time
since the turn started. --turn N shows only the Nth turn (1 = first, -1 = last).
The trace lives beside the session: <sessions dir>/<ID>.trace.jsonl.
`;

function line(event: TraceLine): string | undefined {
  const typed = event as unknown as TurnEvent;
  switch (typed.type) {
    case "attempt-started":
      return `attempt ${typed.attempt}: ${typed.target.provider}/${typed.target.model} via ${typed.target.credentialId}${typed.probe ? " (probe)" : ""}`;
    case "attempt-finished":
      return `answered by ${typed.target.provider}/${typed.target.model} in ${formatDuration(typed.ms)} (${typed.finishReason}, ${typed.usage.inputTokens} in / ${typed.usage.outputTokens} out tokens)${(typed.warnings ?? []).map((warning) => `; warning: ${warning}`).join("")}`;
    case "step-failed":
      return `turn failed: ${typed.summary}`;
    case "tool-finished":
      return `tool ${typed.toolName} ${typed.isError ? "failed" : "finished"}`;
    default:
      return decisionLine(typed);
  }
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      turn: { type: "string" },
      json: { type: "boolean" },
      config: { type: "string" },
      dir: { type: "string" },
    },
  });
  const [id] = parsed.positionals;
  if (id === undefined || parsed.positionals.length > 1) throw new UsageError("expected one session id");
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id))
    throw new UsageError(`'${id}' is not a valid session id`);
  let dir: string;
  if (parsed.values.dir !== undefined) dir = resolve(io.cwd, parsed.values.dir);
  else {
    const loaded = await loadBaton(io, parsed.values.config);
    if (!loaded.ok) return loaded.exitCode;
    dir = (loaded.baton.store as { dir?: string }).dir ?? resolve(io.cwd, ".baton/sessions");
  }
  const file = join(dir, `${id}.trace.jsonl`);
  let lines: TraceLine[];
  try {
    lines = await readTraceLines(file);
  } catch {
    io.stderr.write(`baton trace: no trace for session '${id}' (looked for ${file})\n`);
    return ExitCode.session;
  }
  const turns: TraceLine[][] = [];
  for (const event of lines) {
    const current = turns.at(-1);
    if (current !== undefined && current[0]?.turnId === event.turnId) current.push(event);
    else turns.push([event]);
  }
  let selected = turns.map((events, index) => ({ events, number: index + 1 }));
  if (parsed.values.turn !== undefined) {
    const n = Number(parsed.values.turn);
    const index = n < 0 ? turns.length + n : n - 1;
    if (!Number.isInteger(n) || n === 0 || turns[index] === undefined) {
      throw new UsageError(
        `--turn expects 1..${turns.length} or -1..-${turns.length}, got '${parsed.values.turn}'`,
      );
    }
    selected = [{ events: turns[index] as TraceLine[], number: index + 1 }];
  }
  if (parsed.values.json === true) {
    io.stdout.write(
      `${JSON.stringify(
        selected.flatMap((turn) => turn.events),
        null,
        2,
      )}\n`,
    );
    return ExitCode.ok;
  }
  for (const turn of selected) {
    const start = turn.events[0]?.at ?? 0;
    io.stdout.write(`turn ${turn.number} (${turn.events[0]?.turnId}) at ${new Date(start).toISOString()}\n`);
    for (const event of turn.events) {
      const text = line(event);
      if (text !== undefined) io.stdout.write(`  +${((event.at - start) / 1000).toFixed(3)}s  ${text}\n`);
    }
  }
  return ExitCode.ok;
}

export const traceCommand: Command = {
  name: "trace",
  summary: "Show a session's timeline of decisions",
  help,
  run,
};
