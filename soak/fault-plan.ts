// The seeded fault plan: a simulator scenario that misbehaves on every provider with every
// fault family. Two layers, tried in order by the simulator:
//   1. time windows: a credential out of quota (all processes' keys for it), a key revoked for a
//      while, a per-model daily quota, a whole provider down (overloaded, 5xx, resets, silence);
//   2. per-call faults: for each provider/model, runs of healthy calls broken by runs of one
//      fault (statuses with real bodies and reset hints, resets, silence, slow first tokens,
//      stalls, cuts, malformed events, missing terminators, in-stream errors).
// Pure: the same seed, duration and keys give the same scenario.
import type { Fault, FaultRule, Scenario } from "../src/simulator/index.ts";
import type { CanaryKey } from "./canary.ts";
import type { Random } from "./random.ts";
import { echoModels, type SoakProvider, soakProviders, soakReply, soakTimers } from "./topology.ts";

export interface FaultWindow {
  readonly name: string;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly what: string;
}

export interface FaultPlan {
  readonly scenario: Scenario;
  readonly windows: readonly FaultWindow[];
  /** Per-call rules per provider/model. */
  readonly perCallRules: number;
  /** Rules per fault family, for the report. */
  readonly families: Readonly<Record<string, number>>;
}

type Family = "openai" | "anthropic" | "gemini";

function familyOf(provider: SoakProvider): Family {
  return provider.api === "anthropic-messages"
    ? "anthropic"
    : provider.api === "google-gemini"
      ? "gemini"
      : "openai";
}

/** Status faults with the reason family they belong to (the classifier decides the reason; the checker verifies). */
function statusFault(random: Random, family: Family): { family: string; fault: Fault } {
  const kind = random.weighted<string>([
    ["rate-limit-short", 5],
    ["rate-limit-long", 3],
    ["overloaded", 4],
    ["server-error", 4],
    ["specific", 3],
    ["quota", 1],
    ["auth", 1],
    ["permission", 1],
    ["model-not-found", 1],
    ["context-overflow", 0.4],
    ["invalid-request", 0.3],
  ]);
  const http = (error: string, resetInMs?: number): Fault =>
    resetInMs === undefined ? { kind: "http-error", error } : { kind: "http-error", error, resetInMs };
  switch (kind) {
    case "rate-limit-short":
      return { family: "status 429 short", fault: http("rate_limit", random.int(200, 1_200)) };
    case "rate-limit-long":
      return { family: "status 429 long", fault: http("rate_limit", random.int(3_000, 6_000)) };
    case "overloaded":
      return { family: "status overloaded", fault: http("overloaded") };
    case "server-error":
      return { family: "status 5xx", fault: http("server_error") };
    case "specific": {
      const ids: Record<Family, string[]> = {
        openai: [
          "openai.bad_gateway_502",
          "openai.server_is_overloaded",
          "openai.insufficient_quota",
          "openai.content_policy",
          "openai.unsupported_region",
        ],
        anthropic: ["anthropic.api_error", "anthropic.overloaded_error", "anthropic.rate_limit_error"],
        gemini: ["gemini.internal", "gemini.unavailable", "gemini.resource_exhausted"],
      };
      const id = random.pick(ids[family]);
      const resetInMs = /quota|rate_limit|resource_exhausted/.test(id) ? random.int(2_000, 5_000) : undefined;
      return { family: `status ${id}`, fault: http(id, resetInMs) };
    }
    case "quota":
      return { family: "status quota/billing", fault: http("quota", random.int(2_000, 6_000)) };
    case "auth":
      return { family: "status 401", fault: http("auth") };
    case "permission":
      return { family: "status 403", fault: http("permission") };
    case "model-not-found":
      return { family: "status 404", fault: http("model_not_found") };
    case "context-overflow":
      return { family: "status context overflow", fault: http("context_overflow") };
    default:
      return { family: "status 400 invalid", fault: http("invalid_request") };
  }
}

/**
 * Transport and stream faults, chosen clear of the soak's timers. Token counts stay below five,
 * the shortest text reply (an echo of the worker's message), so a cut, stall or in-stream error
 * always lands inside a text answer; only a one-token tool call can be followed completely.
 */
function streamFault(random: Random): { family: string; fault: Fault } {
  const kind = random.weighted<string>([
    ["reset", 3],
    ["silence", 1.5],
    ["slow-ok", 2],
    ["slow-timeout", 1.5],
    ["stall", 2],
    ["cut", 4],
    ["malformed", 2],
    ["missing-terminator", 2],
    ["stream-error", 3],
  ]);
  switch (kind) {
    case "reset":
      return { family: "reset before headers", fault: { kind: "reset-before-headers" } };
    case "silence":
      return { family: "silence", fault: { kind: "never-answer" } };
    case "slow-ok":
      return {
        family: "slow first token (in time)",
        fault: { kind: "slow-first-token", delayMs: random.int(100, 400) },
      };
    case "slow-timeout":
      return {
        family: "slow first token (too slow)",
        fault: { kind: "slow-first-token", delayMs: soakTimers.firstTokenMs + random.int(1_500, 3_000) },
      };
    case "stall":
      return { family: "stall", fault: { kind: "stall-after", tokens: random.int(0, 3) } };
    case "cut":
      return {
        family: "cut",
        fault: {
          kind: "cut-after",
          tokens: random.int(0, 3),
          connection: random.pick(["end", "close", "reset"] as const),
        },
      };
    case "malformed":
      return { family: "malformed event", fault: { kind: "malformed-event", at: random.int(2, 8) } };
    case "missing-terminator":
      return { family: "missing terminator", fault: { kind: "missing-terminator" } };
    default: {
      const error = random.pick(["overloaded", "server_error", "rate_limit"]);
      const fault: Fault =
        error === "rate_limit"
          ? { kind: "stream-error", afterTokens: random.int(0, 3), error, resetInMs: random.int(300, 4_000) }
          : { kind: "stream-error", afterTokens: random.int(0, 3), error };
      return { family: `in-stream error ${error}`, fault };
    }
  }
}

function keysOf(keys: readonly CanaryKey[], provider: string, credentialId: string): string[] {
  return keys
    .filter((key) => key.provider === provider && key.credentialId === credentialId)
    .map((key) => key.key);
}

/** Time windows: quota, revoked key, per-model daily quota, provider outages. */
function windowRules(
  random: Random,
  durationMs: number,
  keys: readonly CanaryKey[],
): { rules: FaultRule[]; windows: FaultWindow[] } {
  const rules: FaultRule[] = [];
  const windows: FaultWindow[] = [];
  const count = Math.max(1, Math.round(durationMs / 20_000));
  const add = (
    name: string,
    what: string,
    lengthMs: number,
    match: FaultRule["match"],
    fault: Fault,
  ): void => {
    const fromMs = random.int(2_000, Math.max(2_001, durationMs - 2_000));
    const untilMs = fromMs + lengthMs;
    rules.push({ name, match: { ...match, window: { fromMs, untilMs } }, fault });
    windows.push({ name, fromMs, untilMs, what });
  };
  for (let index = 0; index < count; index += 1) {
    add(
      `w${index}:quota openai:work`,
      "openai:work out of plan quota (usage_limit_reached, reset at window end)",
      random.int(3_000, 8_000),
      { provider: "openai", apiKey: keysOf(keys, "openai", "work") },
      { kind: "http-error", error: "openai.usage_limit_reached" },
    );
    add(
      `w${index}:auth openai:personal`,
      "openai:personal key revoked (401)",
      random.int(2_000, 5_000),
      { provider: "openai", apiKey: keysOf(keys, "openai", "personal") },
      { kind: "http-error", error: "openai.invalid_api_key" },
    );
    add(
      `w${index}:daily google`,
      "google gemini-2.5-flash per-day quota (RESOURCE_EXHAUSTED)",
      random.int(2_000, 6_000),
      { provider: "google", apiKey: keysOf(keys, "google", "main") },
      { kind: "http-error", error: "gemini.resource_exhausted_daily" },
    );
    const provider = random.pick(soakProviders);
    const outage = random.pick<[string, Fault]>([
      ["overloaded", { kind: "http-error", error: "overloaded" }],
      ["5xx", { kind: "http-error", error: "server_error" }],
      ["connection resets", { kind: "reset-before-headers" }],
      ["silence", { kind: "never-answer" }],
    ]);
    add(
      `w${index}:outage ${provider.name}`,
      `${provider.name} down (${outage[0]})`,
      random.int(2_000, 4_000),
      { provider: provider.name },
      outage[1],
    );
  }
  return { rules, windows };
}

/**
 * The scenario for a run of `durationMs` with `callsPerModel` calls planned per provider/model
 * (later calls are healthy).
 */
export function faultPlan(
  random: Random,
  durationMs: number,
  keys: readonly CanaryKey[],
  callsPerModel: number,
): FaultPlan {
  const families: Record<string, number> = {};
  const windowed = windowRules(random.fork("windows"), durationMs, keys);
  for (const window of windowed.windows) {
    const family = `window ${window.name.slice(window.name.indexOf(":") + 1).split(" ")[0]}`;
    families[family] = (families[family] ?? 0) + 1;
  }
  const perCall: FaultRule[] = [];
  for (const provider of soakProviders) {
    for (const model of provider.models) {
      const stream = random.fork(`calls/${provider.name}/${model}`);
      let call = 1 + stream.int(0, 2);
      while (call <= callsPerModel) {
        const length = stream.int(1, 2);
        const chosen = stream.chance(0.45) ? statusFault(stream, familyOf(provider)) : streamFault(stream);
        families[chosen.family] = (families[chosen.family] ?? 0) + 1;
        perCall.push({
          name: `${provider.name}/${model}#${call}${length > 1 ? `-${call + length - 1}` : ""} ${chosen.family}`,
          match: { provider: provider.name, model, calls: { from: call, to: call + length - 1 } },
          fault: chosen.fault,
        });
        // Healthy runs between faults: about one call in four is faulty.
        call += length + stream.int(1, 6);
      }
    }
  }
  const models: Record<string, { echo: boolean }> = {};
  for (const model of echoModels) models[model] = { echo: true };
  const scenario: Scenario = {
    description: "baton soak: seeded faults on every provider",
    reply: { ...soakReply, toolCall: { arguments: {} } },
    models,
    faults: [...windowed.rules, ...perCall],
  };
  return { scenario, windows: windowed.windows, perCallRules: perCall.length, families };
}

/** The scenario as JSON with every key replaced by its slot and credential, safe to keep on disk. */
export function redactedScenario(scenario: Scenario, keys: readonly CanaryKey[]): string {
  let text = JSON.stringify(scenario, null, 1);
  for (const key of keys)
    text = text.split(key.key).join(`<canary ${key.slot} ${key.provider}:${key.credentialId}>`);
  return text;
}
