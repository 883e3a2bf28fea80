// Exit codes of the `baton` command line, in one place so docs and code agree.

export const ExitCode = {
  ok: 0,
  /** Something unexpected: a bug in Baton. */
  internal: 1,
  /** The command line itself was wrong (unknown flag, missing argument). */
  usage: 2,
} as const;
