// Small builders of synthetic soak evidence for the invariant checkers' unit tests: worker
// records for a turn (with its attempts and events), simulator requests, canary keys and
// sessions, assembled into an Evidence the way soak/collect.ts does.

import { attribute, type SimRequest } from "../../soak/attribution.ts";
import type { CanaryKey } from "../../soak/canary.ts";
import type { EntryLine, Evidence, Incarnation, SessionFiles } from "../../soak/evidence.ts";
import { buildTurns } from "../../soak/turns.ts";
import type { ToolExecution, WorkerRecord } from "../../soak/worker-log.ts";
import type { VerifyReport } from "../../src/session/index.ts";
import type { SimulatorLogEntry } from "../../src/simulator/index.ts";
import type { TurnEvent } from "../../src/turn/turn-event.ts";

export const t0 = 1_800_000_000_000;

export function key(slot: string, provider: string, credentialId: string): CanaryKey {
  const core = `${slot}${provider}${credentialId}`.padEnd(24, "0");
  return {
    slot,
    provider,
    credentialId,
    key: `sk-soakcanary-${slot}-${provider}-${credentialId}-${core}`,
    core,
    hash: `h-${slot}-${provider}-${credentialId}`,
  };
}

export const keys: CanaryKey[] = [
  key("w0", "openai", "work"),
  key("w1", "openai", "work"),
  key("w0", "anthropic", "main"),
  key("w1", "anthropic", "main"),
];

export const openaiWork = {
  provider: "openai",
  api: "openai-chat",
  model: "gpt-5.5",
  credentialId: "openai:work",
} as const;
export const anthropicMain = {
  provider: "anthropic",
  api: "anthropic-messages",
  model: "claude-sonnet-4-5",
  credentialId: "anthropic:main",
} as const;

export function request(
  index: number,
  slot: string,
  target: { provider: string; model: string; credentialId: string },
  at: number,
  outcome = "ok",
): SimRequest {
  const credential = target.credentialId.slice(target.credentialId.indexOf(":") + 1);
  const entry: SimulatorLogEntry = {
    atMs: at - t0,
    provider: target.provider,
    api: target.provider === "anthropic" ? "anthropic-messages" : "openai-chat",
    model: target.model,
    keyHash: `h-${slot}-${target.provider}-${credential}`,
    promptChars: 10,
    stream: true,
    call: index + 1,
    outcome,
    status: 200,
  };
  return { ...entry, index, epoch: at };
}

/** Records of one turn: start, the given events (each at its own `at`), and an end. */
export class TurnScript {
  readonly records: WorkerRecord[] = [];
  readonly slot: string;
  readonly inc: number;
  readonly turnId: string;
  readonly sessionId: string;
  readonly message: string;

  constructor(options: {
    slot?: string;
    inc?: number;
    turnId: string;
    sessionId?: string;
    at: number;
    abortAfterMs?: number;
  }) {
    this.slot = options.slot ?? "w0";
    this.inc = options.inc ?? 1;
    this.turnId = options.turnId;
    this.sessionId = options.sessionId ?? "s1";
    this.message = `message of ${options.turnId}`;
    this.records.push({
      t: "turn-start",
      slot: this.slot,
      inc: this.inc,
      at: options.at,
      turnId: this.turnId,
      sessionId: this.sessionId,
      message: this.message,
      tools: false,
      ...(options.abortAfterMs === undefined ? {} : { abortAfterMs: options.abortAfterMs }),
    });
  }

  event(event: TurnEvent): this {
    this.records.push({
      t: "event",
      slot: this.slot,
      inc: this.inc,
      at: event.at,
      turnId: this.turnId,
      event,
    });
    return this;
  }

  attempt(
    at: number,
    attempt: number,
    target: typeof openaiWork | typeof anthropicMain,
    outcome: {
      failed?: { reason: string; scope: string; ms: number; timer?: "connect" | "first-token" | "idle" };
      finishedMs?: number;
    },
  ): this {
    this.event({ type: "decision-made", at, action: "attempt", why: "test" });
    this.event({ type: "attempt-started", at, attempt, target, continuation: "none", probe: false });
    if (outcome.failed !== undefined) {
      const { reason, scope, ms, timer } = outcome.failed;
      this.event({
        type: "attempt-failed",
        at: at + ms,
        attempt,
        target,
        ms,
        reason: reason as never,
        scope: scope as never,
        message: `${target.model}: ${reason}`,
        outputReachedCaller: false,
        ...(timer === undefined ? {} : { timer }),
      });
    }
    if (outcome.finishedMs !== undefined)
      this.event({
        type: "attempt-finished",
        at: at + outcome.finishedMs,
        attempt,
        target,
        ms: outcome.finishedMs,
        finishReason: "stop",
        usage: { inputTokens: 1, outputTokens: 1 },
      });
    return this;
  }

  abort(at: number): this {
    this.records.push({ t: "abort", slot: this.slot, inc: this.inc, at, turnId: this.turnId });
    return this;
  }

  ack(at: number, entries: { seq: number; id: string; type: string }[]): this {
    this.records.push({
      t: "ack",
      slot: this.slot,
      inc: this.inc,
      at,
      sessionId: this.sessionId,
      turnId: this.turnId,
      entries,
    });
    return this;
  }

  answered(
    at: number,
    text: string,
    options: { visibleText?: string; served?: typeof openaiWork | typeof anthropicMain } = {},
  ): this {
    this.records.push({
      t: "turn-end",
      slot: this.slot,
      inc: this.inc,
      at,
      turnId: this.turnId,
      sessionId: this.sessionId,
      ok: true,
      text,
      visibleText: options.visibleText ?? text,
      served: options.served ?? openaiWork,
      finishReason: "stop",
      steps: 1,
      toolCalls: [],
    });
    return this;
  }

  failed(at: number, error: { kind: string; reason: string; scope: string; message?: string }): this {
    this.records.push({
      t: "turn-end",
      slot: this.slot,
      inc: this.inc,
      at,
      turnId: this.turnId,
      sessionId: this.sessionId,
      ok: false,
      error: { message: `${error.reason} happened`, ...error },
    });
    return this;
  }
}

export function incarnation(
  slot: string,
  inc: number,
  end: Incarnation["end"],
  freezes: { from: number; until: number }[] = [],
): Incarnation {
  return {
    slot,
    kind: "worker",
    inc,
    pid: 100,
    startedAt: t0 - 1_000,
    endedAt: t0 + 60_000,
    end,
    freezes,
    stdoutFile: "out",
    stderrFile: "err",
  };
}

const okVerify: VerifyReport = {
  ok: true,
  sessionId: "s1",
  file: "s1.jsonl",
  entries: 0,
  archivedEntries: 0,
  bytes: 0,
  problems: [],
  notes: [],
};

export function session(id: string, entries: EntryLine[], verify: Partial<VerifyReport> = {}): SessionFiles {
  return {
    id,
    entries,
    unparsable: 0,
    verify: { ...okVerify, sessionId: id, ...verify },
    sideFiles: [],
    quarantineRecords: 0,
  };
}

export function evidence(parts: {
  turns?: TurnScript[];
  requests?: SimRequest[];
  tools?: ToolExecution[];
  sessions?: SessionFiles[];
  incarnations?: Incarnation[];
}): Evidence {
  const records = (parts.turns ?? []).flatMap((turn) => turn.records);
  const turns = buildTurns(records);
  const requests = parts.requests ?? [];
  return {
    seed: 1,
    records,
    turns,
    tools: parts.tools ?? [],
    writerAcks: [],
    requests,
    keys,
    incarnations: parts.incarnations ?? [incarnation("w0", 1, "stopped"), incarnation("w1", 1, "stopped")],
    sessions: parts.sessions ?? [],
    leaks: [],
    scanned: { files: 0, bytes: 0 },
    tornRecords: 0,
    attribution: attribute(requests, keys, turns),
  };
}
