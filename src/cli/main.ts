// Entry point of the `baton` command line: finds the subcommand, prints help, maps errors
// to exit codes. Each subcommand lives in its own module under src/cli/commands/.
import type { Command, CommandIo } from "./command.ts";
import { UsageError } from "./command.ts";
import { chatCommand } from "./commands/chat.ts";
import { demoCommand } from "./commands/demo.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { runCommand } from "./commands/run.ts";
import { serveCommand } from "./commands/serve.ts";
import { sessionsCommand } from "./commands/sessions.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { traceCommand } from "./commands/trace.ts";
import { ExitCode } from "./exit-codes.ts";

const commands: readonly Command[] = [
  runCommand,
  chatCommand,
  sessionsCommand,
  traceCommand,
  doctorCommand,
  demoCommand,
  simulateCommand,
  serveCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    "baton: run an agent turn across a chain of models, keep the session whole.",
    "",
    "Usage: baton <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `baton <command> --help` for a command's options.",
    "",
  ].join("\n");
}

function defaultIo(): CommandIo {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error("interrupted"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}

/** Runs `baton` with the given arguments; resolves to the exit code. */
export async function main(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(overview());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`baton: unknown command '${name}'. Run \`baton --help\` for the list.\n`);
    return ExitCode.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `baton ${command.name}: ${error.message}\nRun \`baton ${command.name} --help\` for usage.\n`,
      );
      return ExitCode.usage;
    }
    io.stderr.write(
      `baton ${command.name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.internal;
  }
}
