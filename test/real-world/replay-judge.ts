// Sends one request for a case through Baton's real adapter (the preset's SDK family and
// protocol), classifies what came back with the real classifier, and compares reason, scope
// and wait with the case's expectation (or any of its acceptable alternatives).
import { classify } from "../../src/failover/classify.ts";
import type { ModelStreamEvent } from "../../src/providers/model-stream.ts";
import { resolveEndpoint } from "../../src/providers/provider-endpoint.ts";
import { createSdkModelCaller } from "../../src/providers/sdk-model-caller.ts";
import type { Expectation, ExpectedWait } from "./case-schema.ts";
import type { LoadedCase } from "./load-cases.ts";

/** How far a wait may be off and still count (hints are whole seconds in most headers). */
const waitToleranceMs = 1500;

export type ObservedWait =
  | { readonly kind: "none" }
  | { readonly kind: "hint"; readonly ms: number; readonly at: number };

export type Observed =
  | { readonly outcome: "answered"; readonly text: string }
  | {
      readonly outcome: "failed";
      readonly reason: string;
      readonly scope: string;
      readonly wait: ObservedWait;
      readonly hintSource?: string;
      readonly rule?: string;
      readonly message: string;
    };

export interface Verdict {
  readonly observed: Observed;
  readonly reasonOk: boolean;
  readonly scopeOk: boolean;
  readonly waitOk: boolean;
  /** The expectation (first or alternative) the observation was judged against. */
  readonly judgedAgainst: Expectation;
}

export async function replayOne(entry: LoadedCase, baseUrl: string): Promise<Observed> {
  const endpoint = resolveEndpoint({
    id: entry.id,
    ...(entry.preset === null ? {} : { preset: entry.preset }),
    api: entry.api,
    baseUrl,
  });
  const caller = createSdkModelCaller({ endpoints: [endpoint], apiKey: () => "sk-replay-0000000000000000" });
  const target = { provider: entry.id, api: entry.api, model: "replay-model", credentialId: "replay" };
  const events: ModelStreamEvent[] = [];
  for await (const event of caller.stream(target, {
    messages: [{ role: "user", content: "hello" }],
    maxOutputTokens: 256,
    ...(entry.timers === undefined ? {} : { timers: entry.timers }),
  })) {
    events.push(event);
  }
  const failure = events.find((event) => event.type === "failure")?.failure;
  const text = events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
  if (failure === undefined) return { outcome: "answered", text };
  const now = Date.parse(entry.receivedAt);
  const classified = classify(failure, now);
  const wait: ObservedWait =
    classified.retryAfterMs === undefined
      ? { kind: "none" }
      : {
          kind: "hint",
          ms: classified.retryAfterMs,
          at: classified.resetAt ?? now + classified.retryAfterMs,
        };
  return {
    outcome: "failed",
    reason: classified.reason,
    scope: classified.scope,
    wait,
    ...(classified.hintSource === undefined ? {} : { hintSource: classified.hintSource }),
    message: classified.message,
  };
}

function waitMatches(expected: ExpectedWait, observed: ObservedWait, now: number): boolean {
  switch (expected.kind) {
    case "none":
    case "policy-default":
      return observed.kind === "none";
    case "after":
      return observed.kind === "hint" && Math.abs(observed.at - (now + expected.ms)) <= waitToleranceMs;
    case "until":
      return observed.kind === "hint" && Math.abs(observed.at - Date.parse(expected.at)) <= waitToleranceMs;
  }
}

function judgeAgainst(
  expected: Expectation,
  observed: Observed,
  now: number,
): Omit<Verdict, "judgedAgainst" | "observed"> {
  if (expected.reason === "answered") {
    const ok = observed.outcome === "answered" && observed.text === expected.text;
    return { reasonOk: observed.outcome === "answered", scopeOk: ok, waitOk: ok };
  }
  if (observed.outcome === "answered") return { reasonOk: false, scopeOk: false, waitOk: false };
  return {
    reasonOk: observed.reason === expected.reason,
    scopeOk: observed.scope === expected.scope,
    waitOk: waitMatches(expected.wait, observed.wait, now),
  };
}

/** Judges against the expectation, then the alternatives; the best match wins. */
export function judge(entry: LoadedCase, observed: Observed): Verdict {
  const now = Date.parse(entry.receivedAt);
  const candidates = [entry.expect, ...(entry.acceptable ?? [])];
  let best: Verdict | undefined;
  for (const expected of candidates) {
    const verdict = { ...judgeAgainst(expected, observed, now), observed, judgedAgainst: expected };
    const score = Number(verdict.reasonOk) + Number(verdict.scopeOk) + Number(verdict.waitOk);
    const bestScore =
      best === undefined ? -1 : Number(best.reasonOk) + Number(best.scopeOk) + Number(best.waitOk);
    if (score > bestScore) best = verdict;
  }
  return best as Verdict;
}

export function isCorrect(verdict: Verdict): boolean {
  return verdict.reasonOk && verdict.scopeOk && verdict.waitOk;
}

/** One line naming what Baton did, stable across runs (used by known-failures.json). */
export function describeObserved(observed: Observed, receivedAt: string): string {
  if (observed.outcome === "answered") return `answered ${JSON.stringify(observed.text.slice(0, 60))}`;
  const now = Date.parse(receivedAt);
  const wait =
    observed.wait.kind === "none" ? "no hint" : `wait ${Math.round((observed.wait.at - now) / 1000)}s`;
  return `${observed.reason} ${observed.scope} ${wait}`;
}

export function describeExpected(expected: Expectation): string {
  if (expected.reason === "answered") return `answered ${JSON.stringify(expected.text.slice(0, 60))}`;
  const wait =
    expected.wait.kind === "after"
      ? `wait ${Math.round(expected.wait.ms / 1000)}s`
      : expected.wait.kind === "until"
        ? `until ${expected.wait.at}`
        : expected.wait.kind;
  return `${expected.reason} ${expected.scope} ${wait}`;
}
