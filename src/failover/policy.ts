// The failover policy knobs, their defaults and their validation. Data only: decide() reads a
// resolved policy; nothing here decides anything. docs/failover-policy.md explains each knob.
import type { BackoffRule } from "./backoff.ts";
import type { FailureReason } from "./failure.ts";

/** Reasons that cool a key for a while (the rest count towards a breaker or leave health alone). */
export type CoolingReason =
  | "rate_limit"
  | "quota_exhausted"
  | "billing"
  | "auth"
  | "permission"
  | "model_not_found";

export interface CooldownPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export interface BreakerPolicy {
  /** Consecutive counted failures that open a model or credential key. */
  readonly threshold: number;
  /** Consecutive network failures that open the provider key. */
  readonly providerThreshold: number;
  /** Failures further apart than this do not count as consecutive. */
  readonly windowMs: number;
  /** First open period; doubles with each re-open, up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  /** How long a half-open probe is reserved for its turn if the turn never reports back. */
  readonly probeLeaseMs: number;
}

/**
 * `forward`: content reaches the caller as it arrives; a failure after output is retracted with
 *   `attempt-discarded` (or continued with a prefill on a target that accepts one).
 * `hold`: content is held until the attempt finishes; nothing is ever retracted.
 */
export type CommitMode = "forward" | "hold";

export interface FailoverPolicy {
  /** One deadline for the whole turn: every attempt, retry, wait and fallback. */
  readonly deadlineMs: number;
  /** Requests sent per turn, all targets together. */
  readonly maxAttempts: number;
  /** Same-target retries per turn for retryable reasons (network and cut streams: at most 1). */
  readonly maxRetriesPerTarget: number;
  /** Jittered backoff between same-target retries; `fastMs` caps the network / cut-stream retry. */
  readonly backoff: BackoffRule & { readonly fastMs: number };
  /** Longest provider-requested wait (Retry-After) honoured in place; longer means go elsewhere. */
  readonly waitBudgetMs: number;
  /** Default cooldowns when the provider gave no reset time: exponential per key, capped. */
  readonly cooldowns: Readonly<Record<CoolingReason, CooldownPolicy>>;
  readonly breaker: BreakerPolicy;
  readonly commitMode: CommitMode;
  /**
   * Whether the caller can retract forwarded output on `attempt-discarded`. When false (an HTTP
   * client reading an OpenAI-style stream), a failure after output continues only on a target
   * that accepts a prefill, else the turn ends with a clean error.
   */
  readonly canRetract: boolean;
  /** Content policy rejections stop the chain unless this is true. */
  readonly allowFallbackOnContentPolicy: boolean;
  /** Invalid requests stop the chain unless this is true (then: one more candidate, once). */
  readonly allowFallbackOnInvalidRequest: boolean;
}

const minute = 60_000;

// The defaults match the config file's (src/config/config-schema.ts `policy`), so a library
// caller without a config file gets the same behaviour as the CLI.
const hour = 60 * minute;

export const defaultPolicy: FailoverPolicy = {
  deadlineMs: 2 * minute,
  maxAttempts: 8,
  maxRetriesPerTarget: 2,
  backoff: { baseMs: 250, capMs: 8_000, fastMs: 100 },
  waitBudgetMs: 10_000,
  cooldowns: {
    rate_limit: { baseMs: 5_000, capMs: 5 * minute },
    quota_exhausted: { baseMs: hour, capMs: 6 * hour },
    billing: { baseMs: 6 * hour, capMs: 24 * hour },
    auth: { baseMs: hour, capMs: 6 * hour },
    permission: { baseMs: hour, capMs: 6 * hour },
    model_not_found: { baseMs: 6 * hour, capMs: 24 * hour },
  },
  breaker: {
    threshold: 3,
    providerThreshold: 3,
    windowMs: 5 * minute,
    baseMs: 10_000,
    capMs: 2 * minute,
    probeLeaseMs: minute,
  },
  commitMode: "forward",
  canRetract: true,
  allowFallbackOnContentPolicy: false,
  allowFallbackOnInvalidRequest: false,
};

export interface FailoverPolicyInput {
  readonly deadlineMs?: number;
  readonly maxAttempts?: number;
  readonly maxRetriesPerTarget?: number;
  readonly backoff?: Partial<FailoverPolicy["backoff"]>;
  readonly waitBudgetMs?: number;
  readonly cooldowns?: Partial<Record<CoolingReason, Partial<CooldownPolicy>>>;
  readonly breaker?: Partial<BreakerPolicy>;
  readonly commitMode?: CommitMode;
  readonly canRetract?: boolean;
  readonly allowFallbackOnContentPolicy?: boolean;
  readonly allowFallbackOnInvalidRequest?: boolean;
}

export class PolicyError extends Error {
  override readonly name = "PolicyError";
}

function check(ok: boolean, option: string, expected: string, value: unknown): void {
  if (!ok) throw new PolicyError(`policy.${option} must be ${expected}, got ${JSON.stringify(value)}`);
}

function milliseconds(option: string, value: number, allowZero = true): void {
  check(
    typeof value === "number" && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0),
    option,
    allowZero ? "a number of milliseconds >= 0" : "a number of milliseconds > 0",
    value,
  );
}

function count(option: string, value: number, minimum: number): void {
  check(Number.isInteger(value) && value >= minimum, option, `an integer >= ${minimum}`, value);
}

/** Fills in defaults and validates, naming the option and the expected value on error. */
export function resolvePolicy(input: FailoverPolicyInput = {}): FailoverPolicy {
  const cooldowns = { ...defaultPolicy.cooldowns };
  for (const [reason, rule] of Object.entries(input.cooldowns ?? {})) {
    check(reason in cooldowns, `cooldowns.${reason}`, `one of ${Object.keys(cooldowns).join(", ")}`, reason);
    cooldowns[reason as CoolingReason] = { ...cooldowns[reason as CoolingReason], ...rule };
  }
  const policy: FailoverPolicy = {
    ...defaultPolicy,
    ...input,
    backoff: { ...defaultPolicy.backoff, ...input.backoff },
    cooldowns,
    breaker: { ...defaultPolicy.breaker, ...input.breaker },
  };
  milliseconds("deadlineMs", policy.deadlineMs, false);
  // Node timers overflow past 2^31 - 1 ms (about 24.8 days) and would fire at once.
  check(
    policy.deadlineMs <= 2_147_483_647,
    "deadlineMs",
    "at most 2147483647 (about 24.8 days)",
    policy.deadlineMs,
  );
  count("maxAttempts", policy.maxAttempts, 1);
  count("maxRetriesPerTarget", policy.maxRetriesPerTarget, 0);
  milliseconds("backoff.baseMs", policy.backoff.baseMs);
  milliseconds("backoff.capMs", policy.backoff.capMs);
  milliseconds("backoff.fastMs", policy.backoff.fastMs);
  milliseconds("waitBudgetMs", policy.waitBudgetMs);
  for (const [reason, rule] of Object.entries(policy.cooldowns)) {
    milliseconds(`cooldowns.${reason}.baseMs`, rule.baseMs, false);
    milliseconds(`cooldowns.${reason}.capMs`, rule.capMs, false);
  }
  count("breaker.threshold", policy.breaker.threshold, 1);
  count("breaker.providerThreshold", policy.breaker.providerThreshold, 1);
  milliseconds("breaker.windowMs", policy.breaker.windowMs);
  milliseconds("breaker.baseMs", policy.breaker.baseMs, false);
  milliseconds("breaker.capMs", policy.breaker.capMs, false);
  milliseconds("breaker.probeLeaseMs", policy.breaker.probeLeaseMs, false);
  check(
    policy.commitMode === "forward" || policy.commitMode === "hold",
    "commitMode",
    '"forward" or "hold"',
    policy.commitMode,
  );
  for (const flag of [
    "canRetract",
    "allowFallbackOnContentPolicy",
    "allowFallbackOnInvalidRequest",
  ] as const) {
    check(typeof policy[flag] === "boolean", flag, "true or false", policy[flag]);
  }
  return policy;
}

/** The reasons whose default cooldown the policy sets. */
export function isCoolingReason(reason: FailureReason): reason is CoolingReason {
  return reason in defaultPolicy.cooldowns;
}
