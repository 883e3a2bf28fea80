// The shape every `baton` subcommand has, and the streams it writes to. Commands receive
// their io rather than touching process.stdout directly, so tests can run them in-process.

export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted when the user asks the process to stop (SIGINT / SIGTERM). */
  readonly signal: AbortSignal;
}

export interface Command {
  /** The word after `baton`. */
  readonly name: string;
  /** One line for `baton --help`. */
  readonly summary: string;
  /** The full text of `baton <name> --help`. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** A usage mistake: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
