// `baton run "message"`: one turn from the command line. The answer streams to stdout, one
// line per decision goes to stderr, `--json` prints one object for scripts instead.
import { ConfigError } from "../../config/config-error.ts";
import { TurnError } from "../../turn/turn-error.ts";
import type { TurnResult } from "../../turn/turn-types.ts";
import { type Command, type CommandIo, UsageError } from "../command.ts";
import { parseCommandArgs } from "../command-args.ts";
import { decisionLine } from "../decision-line.ts";
import { ExitCode, exitCodeFor, exitCodeHelp } from "../exit-codes.ts";
import { loadBaton } from "../load-baton.ts";

const help = `Usage: baton run [options] "message"

Runs one turn: sends the message through the configured chain of models, failing over
between providers as the failover policy says, and prints the answer.

Options:
  --config FILE     config file (default: $BATON_CONFIG, then ./baton.config.json|yaml)
  --chain NAME      which chain to use (default: the config's defaultChain, else the first)
  --session ID      persist the turn to this session (created when missing)
  --system TEXT     a system prompt for this turn (not persisted)
  --json            print one JSON object instead of streaming:
                    { ok, text, served: {provider, model, credential}, usage, sessionId, turnId,
                      attempts: [{provider, model, credential, outcome, reason, scope, ms}],
                      error?: {reason, scope, message} }
  -h, --help        this text

The message may be "-" to read it from standard input.
Decisions (failures, skips, waits, credential rotations) are printed to stderr as they
happen, e.g.:
  openai/gpt-5.5 via openai:work: quota exhausted (credential) after 40ms: ...
  skipping openai/gpt-5.4-mini via openai:work: quota exhausted (openai:work cooling until 14:00Z)
  -> deepseek/deepseek-v4-pro via deepseek:main

${exitCodeHelp}
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function jsonResult(
  result: TurnResult | undefined,
  error: TurnError | undefined,
  sessionId: string | undefined,
): unknown {
  const attempts = (result?.attempts ?? error?.attempts ?? []).map((attempt) => ({
    provider: attempt.target.provider,
    model: attempt.target.model,
    credential: attempt.target.credentialId,
    outcome: attempt.outcome,
    ...(attempt.reason === undefined ? {} : { reason: attempt.reason, scope: attempt.scope }),
    ms: attempt.ms,
  }));
  return {
    ok: result !== undefined,
    text: result?.text ?? "",
    served:
      result === undefined
        ? null
        : {
            provider: result.served.provider,
            model: result.served.model,
            credential: result.served.credentialId,
          },
    usage: result?.usage ?? null,
    sessionId: sessionId ?? null,
    turnId: result?.turnId ?? null,
    attempts,
    ...(error === undefined
      ? {}
      : {
          error: {
            reason: error.reason,
            scope: error.scope,
            message: error.message,
            ...(error.sideFile ? { sideFile: error.sideFile } : {}),
          },
        }),
  };
}

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string" },
      chain: { type: "string" },
      session: { type: "string" },
      system: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError(`expected one message argument, got ${positionals.length}`);
  const message = positionals[0] === "-" ? await readStdin() : (positionals[0] as string);
  if (message.trim() === "") throw new UsageError("the message is empty: say what the model should do");

  const loaded = await loadBaton(io, values.config);
  if (!loaded.ok) return loaded.exitCode;
  const stdoutIsTerminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
  let turn: ReturnType<typeof loaded.baton.run>;
  try {
    turn = loaded.baton.run({
      message,
      ...(values.chain === undefined ? {} : { chain: values.chain }),
      ...(values.session === undefined ? {} : { sessionId: values.session }),
      ...(values.system === undefined ? {} : { system: values.system }),
      // Piped output cannot be withdrawn: hold each step until it completes unless a person watches.
      policy: { commitMode: values.json || !stdoutIsTerminal ? "hold" : "forward" },
      signal: io.signal,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`baton: configuration error: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  }
  let printed = false;
  for await (const event of turn.events) {
    if (!values.json && event.type === "text-delta") {
      io.stdout.write(event.text);
      printed = event.text.length > 0 || printed;
    } else if (!values.json && event.type === "attempt-discarded" && stdoutIsTerminal) {
      io.stdout.write("\n");
      io.stderr.write("[the text above was withdrawn: that attempt failed; the answer follows]\n");
    }
    const line = decisionLine(event);
    if (line !== undefined) io.stderr.write(`${line}\n`);
  }
  try {
    const result = await turn.result;
    if (values.json)
      io.stdout.write(`${JSON.stringify(jsonResult(result, undefined, values.session), null, 2)}\n`);
    else if (printed) io.stdout.write("\n");
    return ExitCode.ok;
  } catch (error) {
    if (!TurnError.isInstance(error)) throw error;
    if (values.json)
      io.stdout.write(`${JSON.stringify(jsonResult(undefined, error, values.session), null, 2)}\n`);
    io.stderr.write(`baton: ${error.kind === "config" ? "configuration error: " : ""}${error.message}\n`);
    if (error.sideFile !== undefined) io.stderr.write(`baton: the answer was saved to ${error.sideFile}\n`);
    return exitCodeFor(error.kind);
  }
}

export const runCommand: Command = { name: "run", summary: "Run one turn and print the answer", help, run };
