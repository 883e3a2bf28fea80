// Builds the message of a failed turn (failover.md §6). The first line names the primary cause
// and its scope, then what happened in order, e.g.
//   quota exhausted on openai (credential openai:work, resets 14:00Z); skipped 1 more openai
//   candidate; deepseek/deepseek-chat timed out after 30s (first token)
// A local (runtime) cause or a refused request comes first and is named as such, never as
// "all models failed". The following lines list every attempt and skip. Pure.
import { type HealthKey, healthKeyId, healthKeyLabel } from "../health/health-key.ts";
import type { SkippedTarget, StopCause } from "./action.ts";
import { type ExpandedTarget, modelLabel, targetLabel } from "./chain.ts";
import type { Failure } from "./failure.ts";
import { failureKey, hintUntil } from "./health-effects.ts";
import type { FailoverPolicy } from "./policy.ts";

/** What happened in the turn, in order. */
export type NarrativeEntry =
  | {
      readonly type: "failure";
      readonly attempt: number;
      readonly targetIndex: number;
      readonly failure: Failure;
      readonly at: number;
      readonly ms: number;
      readonly outputReachedCaller: boolean;
    }
  | {
      readonly type: "interrupted";
      readonly attempt: number;
      readonly targetIndex: number;
      readonly by: "aborted" | "deadline";
      readonly ms: number;
    }
  | { readonly type: "skip"; readonly skip: SkippedTarget };

export interface ErrorMessageInput {
  readonly cause: StopCause;
  readonly narrative: readonly NarrativeEntry[];
  readonly targets: readonly ExpandedTarget[];
  readonly policy: FailoverPolicy;
  readonly now: number;
}

/** `500ms`, `1.5s`, `30s`, `2m`, `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms < 3_600_000) {
    const seconds = Math.round((ms % 60_000) / 1000);
    return `${Math.floor(ms / 60_000)}m${seconds === 0 ? "" : `${seconds}s`}`;
  }
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return `${Math.floor(ms / 3_600_000)}h${minutes === 0 ? "" : `${minutes}m`}`;
}

/** `14:00Z`, `14:00:05Z`; with the date when more than a day away from `now`. */
export function formatTime(at: number, now: number): string {
  const iso = new Date(at).toISOString();
  const seconds = iso.slice(17, 23) === "00.000" ? "" : `:${iso.slice(17, 19)}`;
  const time = `${iso.slice(11, 16)}${seconds}Z`;
  return Math.abs(at - now) >= 86_400_000 ? `${iso.slice(0, 10)} ${time}` : time;
}

const timerWords = {
  connect: "connect",
  "first-token": "first token",
  idle: "idle between chunks",
  deadline: "deadline",
};
const timerOptions = {
  connect: "connectMs",
  "first-token": "firstTokenMs",
  idle: "idleMs",
  deadline: undefined,
} as const;

function providerWords(failure: Failure): string {
  return failure.raw?.body?.message ?? failure.message;
}

/** One failure as a phrase that names where it happened (its scope). */
export function failurePhrase(
  failure: Failure,
  target: ExpandedTarget,
  at: number,
  ms: number,
  now: number,
): string {
  const { provider, model, credentialId } = target.target;
  const details: string[] = [];
  if (failure.scope === "credential" || failure.scope === "credential+model")
    details.push(`credential ${credentialId}`);
  const reset = hintUntil(failure, at);
  if (reset !== undefined && reset > at) details.push(`resets ${formatTime(reset, now)}`);
  const base =
    failure.scope === "credential" || failure.scope === "provider" ? provider : `${provider}/${model}`;
  const where = details.length === 0 ? base : `${base} (${details.join(", ")})`;
  const raw = failure.raw;
  switch (failure.reason) {
    case "rate_limit":
      return `rate limited on ${where}`;
    case "quota_exhausted":
      return `quota exhausted on ${where}`;
    case "billing":
      return `billing limit reached on ${where}`;
    case "auth":
      return `authentication failed on ${where}`;
    case "permission":
      return `permission denied on ${where}`;
    case "overloaded":
      return `${where} overloaded`;
    case "server_error":
      return `${where} server error${raw?.status === undefined ? "" : ` ${raw.status}`}`;
    case "network":
      return `network error reaching ${where}${raw?.transportCode === undefined ? "" : ` (${raw.transportCode})`}`;
    case "timeout": {
      const timer = raw?.timer;
      const option = timer === undefined ? undefined : timerOptions[timer];
      const configured = option === undefined ? undefined : target.options.timers?.[option];
      const words = timer === undefined ? "" : ` (${timerWords[timer]})`;
      return `${where} timed out after ${formatDuration(configured ?? ms)}${words}`;
    }
    case "truncated_stream":
      return `stream from ${where} cut off`;
    case "malformed_response":
      return `malformed response from ${where}`;
    case "model_not_found":
      return `model not found: ${where}`;
    case "context_overflow": {
      const window = target.options.contextWindow;
      return `prompt too long for ${where}${window === undefined ? "" : ` (context window ${window})`}`;
    }
    case "content_policy":
      return `content policy rejection by ${where} (request): ${providerWords(failure)}`;
    case "invalid_request":
      return `invalid request rejected by ${where} (request): ${providerWords(failure)}`;
    case "session_conflict":
      return `session conflict (runtime): ${failure.message}`;
    case "aborted":
      return "aborted by the caller (runtime)";
    case "internal":
      return `internal error (runtime): ${failure.message}`;
  }
}

const blockWords = {
  cooling: "cooling",
  "breaker-open": "breaker open",
  "probe-in-flight": "probe in flight",
};

function skipGroupPhrase(
  group: readonly SkippedTarget[],
  input: ErrorMessageInput,
  cooledThisTurn: ReadonlySet<string>,
): string {
  const first = group[0] as SkippedTarget;
  const targets = group.map((skip) => input.targets[skip.targetIndex] as ExpandedTarget);
  const models = [...new Set(targets.map((target) => modelLabel(target.target)))];
  const candidates = new Set(targets.map((target) => target.candidateIndex)).size;
  if (first.key !== undefined && cooledThisTurn.has(healthKeyId(first.key))) {
    // A model-level key cooled by this turn's own failure: the same model again, not "more" candidates.
    if (first.key.model !== undefined)
      return `${models.join(", ")} skipped again (${healthKeyLabel(first.key)} cooling)`;
    return `skipped ${candidates} more ${first.key.provider} candidate${candidates === 1 ? "" : "s"}`;
  }
  if (first.why === "context-window") return `${models.join(", ")} skipped (context window not larger)`;
  if (first.why === "no-prefill") return `${models.join(", ")} skipped (cannot continue a partial answer)`;
  const key = first.key as HealthKey;
  const until = first.until === undefined ? "" : ` until ${formatTime(first.until, input.now)}`;
  const reason = first.reason === undefined ? "" : `, ${first.reason}`;
  return `${models.join(", ")} skipped (${healthKeyLabel(key)} ${blockWords[first.why as keyof typeof blockWords]}${until}${reason})`;
}

function narrativePhrases(
  input: ErrorMessageInput,
  entries: readonly NarrativeEntry[],
): { phrases: string[]; cooled: ReadonlySet<string>; announced: ReadonlySet<string> } {
  const phrases: string[] = [];
  const cooled = new Set<string>();
  /** Keys whose reset time a phrase already named. */
  const announced = new Set<string>();
  let index = 0;
  while (index < entries.length) {
    const entry = entries[index] as NarrativeEntry;
    if (entry.type === "skip") {
      const group = [entry.skip];
      const id = entry.skip.key === undefined ? entry.skip.why : healthKeyId(entry.skip.key);
      while (index + 1 < entries.length) {
        const next = entries[index + 1] as NarrativeEntry;
        if (next.type !== "skip") break;
        if ((next.skip.key === undefined ? next.skip.why : healthKeyId(next.skip.key)) !== id) break;
        group.push(next.skip);
        index += 1;
      }
      phrases.push(skipGroupPhrase(group, input, cooled));
    } else if (entry.type === "interrupted") {
      const target = input.targets[entry.targetIndex] as ExpandedTarget;
      phrases.push(
        entry.by === "aborted"
          ? `aborted by the caller (runtime) during ${modelLabel(target.target)}`
          : `turn deadline of ${formatDuration(input.policy.deadlineMs)} reached during ${modelLabel(target.target)}`,
      );
    } else {
      const target = input.targets[entry.targetIndex] as ExpandedTarget;
      let phrase = failurePhrase(entry.failure, target, entry.at, entry.ms, input.now);
      if (entry.outputReachedCaller) phrase += " after partial output";
      let repeats = 1;
      while (index + 1 < entries.length) {
        const next = entries[index + 1] as NarrativeEntry;
        if (next.type !== "failure" || next.targetIndex !== entry.targetIndex) break;
        if (next.failure.reason !== entry.failure.reason) break;
        repeats += 1;
        index += 1;
      }
      phrases.push(repeats === 1 ? phrase : `${phrase} (${repeats} attempts)`);
      const key = failureKey(entry.failure, target);
      if (key !== undefined) cooled.add(healthKeyId(key));
      const reset = hintUntil(entry.failure, entry.at);
      if (key !== undefined && reset !== undefined && reset > entry.at) announced.add(healthKeyId(key));
    }
    index += 1;
  }
  return { phrases, cooled, announced };
}

function tail(input: ErrorMessageInput, announced: ReadonlySet<string>): string | undefined {
  const { cause, policy, now } = input;
  switch (cause.kind) {
    case "deadline":
      return input.narrative.some((entry) => entry.type === "interrupted")
        ? undefined
        : `turn deadline of ${formatDuration(policy.deadlineMs)} reached`;
    case "attempt-budget":
      return `attempt budget of ${policy.maxAttempts} spent`;
    case "partial-output":
      return "the partial answer already reached the caller and no candidate left can continue it";
    case "context-overflow":
      return "no later candidate has a larger context window: compact the conversation and retry";
    case "exhausted":
      if (cause.recoveryAt === undefined)
        return input.narrative.length === 0 ? "no candidate to try" : undefined;
      // Already said: the failure that set this cooldown named its reset time.
      if (cause.recoveryKey !== undefined && announced.has(healthKeyId(cause.recoveryKey))) return undefined;
      return `earliest recovery ${formatTime(cause.recoveryAt, now)}${cause.recoveryKey === undefined ? "" : ` (${healthKeyLabel(cause.recoveryKey)})`} is after the turn deadline`;
    default:
      return undefined;
  }
}

/** The first line: the primary cause and its scope, then what happened, in order. */
export function errorSummary(input: ErrorMessageInput): string {
  const { cause } = input;
  const stopping = cause.kind === "runtime" || cause.kind === "request" ? cause.failure : undefined;
  if (stopping !== undefined) {
    const own = input.narrative.find((entry) => entry.type === "failure" && entry.failure === stopping);
    const earlier = input.narrative.filter((entry) => entry !== own);
    const lead =
      own !== undefined && own.type === "failure"
        ? failurePhrase(stopping, input.targets[own.targetIndex] as ExpandedTarget, own.at, own.ms, input.now)
        : failurePhrase(stopping, input.targets[0] as ExpandedTarget, input.now, 0, input.now);
    const before = collapseRepeats(narrativePhrases(input, earlier).phrases);
    return before.length === 0 ? lead : `${lead}; before that: ${before.join("; ")}`;
  }
  const { phrases, announced } = narrativePhrases(input, input.narrative);
  const end = tail(input, announced);
  if (end !== undefined) phrases.push(end);
  return collapseRepeats(phrases).join("; ");
}

/** A turn that waited and retried can say the same thing many times: say it once, with a count. */
function collapseRepeats(phrases: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const phrase of phrases) counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
  return [...counts].map(([phrase, count]) => (count === 1 ? phrase : `${phrase} (x${count})`));
}

/** The lines after the first: every attempt and skip. */
export function errorDetails(input: ErrorMessageInput): string[] {
  const lines: string[] = [];
  for (const entry of input.narrative) {
    if (entry.type === "skip") {
      const target = input.targets[entry.skip.targetIndex] as ExpandedTarget;
      const key = entry.skip.key === undefined ? "" : ` ${healthKeyLabel(entry.skip.key)}`;
      const until = entry.skip.until === undefined ? "" : ` until ${formatTime(entry.skip.until, input.now)}`;
      lines.push(`  skipped ${targetLabel(target.target)}: ${entry.skip.why}${key}${until}`);
    } else {
      const target = input.targets[entry.targetIndex] as ExpandedTarget;
      const what =
        entry.type === "interrupted"
          ? `interrupted (${entry.by})`
          : `${entry.failure.reason} (${entry.failure.scope}): ${entry.failure.message}`;
      lines.push(
        `  attempt ${entry.attempt} ${targetLabel(target.target)}, ${formatDuration(entry.ms)}: ${what}`,
      );
    }
  }
  return lines;
}

export function errorMessage(input: ErrorMessageInput): string {
  return [errorSummary(input), ...errorDetails(input)].join("\n");
}
