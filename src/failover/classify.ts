// classify(): raw provider facts to a reason, a scope and a retry hint. Pure and
// table-driven (classification-rules.ts); `now` is a parameter so hints are testable.
import type { ProviderFailure } from "../providers/provider-failure.ts";
import { type ClassificationRule, classificationRules } from "./classification-rules.ts";
import { defaultScope } from "./default-scope.ts";
import type { Failure, FailureReason } from "./failure.ts";
import { parseRetryHint } from "./retry-hint.ts";

/** Reasons whose limit lasts long enough that the body's reset time is the better hint. */
const longWindowReasons: ReadonlySet<FailureReason> = new Set(["quota_exhausted", "billing"]);

/** Reasons for which a provider's wait hint means something. */
const hintedReasons: ReadonlySet<FailureReason> = new Set([
  "rate_limit",
  "quota_exhausted",
  "billing",
  "overloaded",
  "server_error",
]);

const fallbackRule: ClassificationRule = {
  id: "unrecognised",
  reason: "server_error",
  seenFrom: "anything no other row recognises",
  matches: () => true,
};

/** The rule that recognises a failure (exported for tests and docs). */
export function matchingRule(failure: ProviderFailure): ClassificationRule {
  return classificationRules.find((rule) => rule.matches(failure)) ?? fallbackRule;
}

/** Turns the raw facts of one failed attempt into a classified failure. */
export function classify(failure: ProviderFailure, now: number): Failure {
  const rule = matchingRule(failure);
  const reason = rule.reason;
  const hint = hintedReasons.has(reason)
    ? parseRetryHint(failure.headers, failure.body, now, { preferBody: longWindowReasons.has(reason) })
    : undefined;
  return {
    reason,
    scope: rule.scope ?? defaultScope[reason],
    message: failure.message,
    ...(hint === undefined
      ? {}
      : { retryAfterMs: hint.retryAfterMs, resetAt: hint.resetAt, hintSource: hint.source }),
    raw: failure,
  };
}
