// Which health events a classified failure causes, per failover.md §2-3. Pure. The scope picks
// the key; the reason picks between a cooldown (provider hint, else the policy's exponential
// default) and a breaker count. Runtime- and request-scoped failures, and context overflows
// (a property of the prompt, not the target), touch nothing.
import type { HealthKey } from "../health/health-key.ts";
import type { BreakerRule, HealthEvent } from "../health/health-state.ts";
import type { ExpandedTarget } from "./chain.ts";
import { type Failure, type FailureReason, type FailureScope, isTargetScope } from "./failure.ts";
import { type FailoverPolicy, isCoolingReason } from "./policy.ts";

const runtimeReasons = new Set<FailureReason>(["session_conflict", "aborted", "internal"]);
const requestReasons = new Set<FailureReason>(["content_policy", "invalid_request"]);
const breakerReasons = new Set<FailureReason>([
  "overloaded",
  "server_error",
  "network",
  "timeout",
  "truncated_stream",
  "malformed_response",
]);

/** Runtime: local causes. Never touch health, never advance the chain. */
export function isRuntimeFailure(failure: Failure): boolean {
  return failure.scope === "runtime" || runtimeReasons.has(failure.reason);
}

/** The request itself was refused. */
export function isRequestFailure(failure: Failure): boolean {
  return !isRuntimeFailure(failure) && (failure.scope === "request" || requestReasons.has(failure.reason));
}

/** The time the provider said the limit resets, if it said. */
export function hintUntil(failure: Failure, now: number): number | undefined {
  if (failure.resetAt !== undefined) return failure.resetAt;
  return failure.retryAfterMs === undefined ? undefined : now + failure.retryAfterMs;
}

function keyFor(scope: FailureScope, target: ExpandedTarget, fallback: HealthKey): HealthKey {
  const [provider, credential, model, credentialModel] = target.keys as [
    HealthKey,
    HealthKey,
    HealthKey,
    HealthKey,
  ];
  switch (scope) {
    case "provider":
      return provider;
    case "credential":
      return credential;
    case "model":
      return model;
    case "credential+model":
      return credentialModel;
    default:
      return fallback;
  }
}

/** The key a failure cools or counts against; undefined when it touches no health. */
export function failureKey(failure: Failure, target: ExpandedTarget): HealthKey | undefined {
  if (!isTargetScope(failure.scope) || isRuntimeFailure(failure) || isRequestFailure(failure))
    return undefined;
  const [, , modelKey, credentialModelKey] = target.keys as [HealthKey, HealthKey, HealthKey, HealthKey];
  if (isCoolingReason(failure.reason)) return keyFor(failure.scope, target, credentialModelKey);
  return breakerReasons.has(failure.reason) ? keyFor(failure.scope, target, modelKey) : undefined;
}

export function healthEventsFor(
  failure: Failure,
  target: ExpandedTarget,
  policy: FailoverPolicy,
  now: number,
): readonly HealthEvent[] {
  const key = failureKey(failure, target);
  if (key === undefined) return [];
  const { reason } = failure;
  const until = hintUntil(failure, now);
  if (isCoolingReason(reason)) {
    const rule = policy.cooldowns[reason];
    return [
      until === undefined
        ? { type: "cooldown", key, at: now, reason, rule }
        : { type: "cooldown", key, at: now, reason, rule, until },
    ];
  }
  const { breaker } = policy;
  const rule = (of: HealthKey): BreakerRule => ({
    threshold: of.kind === "provider" ? breaker.providerThreshold : breaker.threshold,
    windowMs: breaker.windowMs,
    baseMs: breaker.baseMs,
    capMs: breaker.capMs,
  });
  const events: HealthEvent[] = [];
  if (until !== undefined) events.push({ type: "cooldown", key, at: now, reason, rule: rule(key), until });
  events.push({ type: "failure-counted", key, at: now, reason, rule: rule(key) });
  const providerKey = target.keys[0] as HealthKey;
  if (reason === "network" && key.kind !== "provider") {
    events.push({ type: "failure-counted", key: providerKey, at: now, reason, rule: rule(providerKey) });
  }
  return events;
}
