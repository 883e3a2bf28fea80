// One human line per decision for stderr and `baton trace`: what failed and why, what was
// skipped and until when, where the turn went next. Pure; content events give no line.
import { formatDuration, formatTime } from "../failover/error-message.ts";
import type { TurnEvent } from "../turn/turn-event.ts";

const label = (target: { provider: string; model: string }): string => `${target.provider}/${target.model}`;

export function decisionLine(event: TurnEvent, now: number = event.at): string | undefined {
  switch (event.type) {
    case "attempt-started":
      return event.attempt === 1 && !event.probe
        ? undefined
        : `-> ${label(event.target)} via ${event.target.credentialId}${event.probe ? " (probing after cooldown)" : ""}${event.continuation === "prefill" ? " (continuing the partial answer)" : ""}`;
    case "attempt-failed":
      return `${label(event.target)} via ${event.target.credentialId}: ${event.reason.replace(/_/g, " ")} (${event.scope}) after ${formatDuration(event.ms)}: ${event.message}`;
    case "attempt-finished":
      return event.warnings === undefined
        ? undefined
        : `${label(event.target)}: ${event.warnings.map((warning) => `warning: ${warning}`).join("; ")}`;
    case "attempt-discarded":
      return `withdrawing ${event.textLength} characters of partial output from ${label(event.target)}`;
    case "candidate-skipped":
      return `skipping ${label(event.target)} via ${event.target.credentialId}${event.reason === undefined ? "" : `: ${event.reason.replace(/_/g, " ")}`}${event.key === undefined ? "" : ` (${event.key.label} cooling${event.until === undefined ? "" : ` until ${formatTime(event.until, now)}`})`}`;
    case "credential-rotated":
      return `${event.provider}: ${event.reason.replace(/_/g, " ")} on ${event.from} -> rotating to ${event.to}`;
    case "wait-started":
      return `waiting ${formatDuration(event.ms)} (${event.cause})${event.target === undefined ? "" : ` for ${label(event.target)}`}`;
    case "breaker-opened":
      return `breaker open on ${event.key.label} until ${formatTime(event.until, now)} (${event.reason.replace(/_/g, " ")})`;
    case "breaker-closed":
      return event.superseded === true
        ? `breaker on ${event.key.label} stays closed: another process's success reached the shared health state first`
        : `breaker closed on ${event.key.label}: it answered again`;
    case "session-rebased":
      return `session: wrote on top of ${event.integrated} entr${event.integrated === 1 ? "y" : "ies"} from other writers${event.rewritten ? " (after a compaction)" : ""}`;
    case "compaction-started":
      return `compacting the session: ${event.why}`;
    case "tool-started":
      return `tool ${event.toolName} (${event.toolCallId})`;
    case "tool-finished":
      return event.isError ? `tool ${event.toolName} failed: ${event.output.slice(0, 200)}` : undefined;
    default:
      return undefined;
  }
}
