// Exit codes of the `baton` command line, in one place so the README, --help and code agree.
import type { TurnErrorKind } from "../turn/turn-error.ts";

export const ExitCode = {
  ok: 0,
  /** Something unexpected: a bug in Baton (or `verify` found damage). */
  internal: 1,
  /** The command line itself was wrong (unknown flag, missing argument, empty message). */
  usage: 2,
  /** The config file is missing or invalid, or a credential's key is not set. */
  config: 3,
  /** Every candidate failed or is cooling: no provider could answer. */
  providers: 4,
  /** The request was refused (content policy, invalid request): no fallback can help. */
  request: 5,
  /** A session problem: busy, conflict (fenced), corrupt, unknown. */
  session: 6,
  /** Interrupted (Ctrl-C). */
  aborted: 130,
} as const;

export function exitCodeFor(kind: TurnErrorKind): number {
  switch (kind) {
    case "providers":
      return ExitCode.providers;
    case "request":
      return ExitCode.request;
    case "session":
      return ExitCode.session;
    case "aborted":
      return ExitCode.aborted;
    case "config":
      return ExitCode.config;
    case "internal":
      return ExitCode.internal;
  }
}

export const exitCodeHelp = `Exit codes:
  0    answered
  1    internal error (a bug in Baton)
  2    usage error (unknown option, missing or empty message)
  3    configuration error (file missing or invalid, a key's env var unset)
  4    no provider could answer (every candidate failed or is cooling)
  5    the request was refused (content policy, invalid request)
  6    session error (busy, fenced by a newer turn, corrupt, unknown)
  130  interrupted`;
