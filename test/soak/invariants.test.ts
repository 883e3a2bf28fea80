// The soak's invariant checkers on synthetic evidence: each must pass a clean history and catch
// the violation it exists for, from the evidence alone.
import { describe, expect, it } from "vitest";
import { checkAnswersComplete } from "../../soak/invariants/answers-complete.ts";
import { checkAttemptsClassified } from "../../soak/invariants/attempts-classified.ts";
import { checkConversationsAccepted } from "../../soak/invariants/conversations-accepted.ts";
import { checkCooldownsRespected } from "../../soak/invariants/cooldowns-respected.ts";
import { checkEntriesOnce } from "../../soak/invariants/entries-once.ts";
import { checkRequestsAccounted } from "../../soak/invariants/requests-accounted.ts";
import { checkRuntimeIsolated } from "../../soak/invariants/runtime-isolated.ts";
import { checkSessionsVerify } from "../../soak/invariants/sessions-verify.ts";
import { checkToolsOnce } from "../../soak/invariants/tools-once.ts";
import { checkTurnsEnded } from "../../soak/invariants/turns-ended.ts";
import { canonicalReplyText } from "../../src/simulator/index.ts";
import {
  anthropicMain,
  evidence,
  incarnation,
  openaiWork,
  request,
  session,
  TurnScript,
  t0,
} from "./fixtures.ts";

const workCooldown = {
  type: "cooldown-started" as const,
  key: {
    kind: "credential" as const,
    provider: "openai",
    credentialId: "openai:work",
    label: "openai (credential openai:work)",
  },
  reason: "quota_exhausted" as const,
  source: "provider-hint" as const,
};

describe("cooldowns-respected", () => {
  it("flags a request its own process sends inside a cooldown it recorded, not one after it", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 })
      .attempt(t0, 1, openaiWork, { failed: { reason: "quota_exhausted", scope: "credential", ms: 5 } })
      .event({ ...workCooldown, at: t0 + 6, until: t0 + 1_000 })
      .attempt(t0 + 500, 2, openaiWork, { finishedMs: 10 })
      .attempt(t0 + 1_500, 3, openaiWork, { finishedMs: 10 })
      .answered(t0 + 1_600, canonicalReplyText);
    const result = checkCooldownsRespected(
      evidence({
        turns: [turn],
        requests: [
          request(0, "w0", openaiWork, t0 + 1),
          request(1, "w0", openaiWork, t0 + 501),
          request(2, "w0", openaiWork, t0 + 1_501),
        ],
      }),
    );
    expect(result.checked).toBe(3);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.requests).toEqual([1]);
  });

  it("binds another process only once the recording turn has ended (its health writes are done)", () => {
    const recorder = new TurnScript({ slot: "w0", turnId: "a", at: t0 })
      .attempt(t0, 1, openaiWork, { failed: { reason: "quota_exhausted", scope: "credential", ms: 5 } })
      .event({ ...workCooldown, at: t0 + 6, until: t0 + 5_000 })
      .failed(t0 + 100, { kind: "providers", reason: "quota_exhausted", scope: "credential" });
    const early = new TurnScript({ slot: "w1", turnId: "b", at: t0 + 50 })
      .attempt(t0 + 50, 1, openaiWork, { finishedMs: 5 })
      .answered(t0 + 60, canonicalReplyText);
    const late = new TurnScript({ slot: "w1", turnId: "c", at: t0 + 200 })
      .attempt(t0 + 200, 1, openaiWork, { finishedMs: 5 })
      .answered(t0 + 210, canonicalReplyText);
    const result = checkCooldownsRespected(
      evidence({
        turns: [recorder, early, late],
        requests: [
          request(0, "w0", openaiWork, t0 + 1),
          request(1, "w1", openaiWork, t0 + 51),
          request(2, "w1", openaiWork, t0 + 201),
        ],
      }),
    );
    expect(result.violations.map((violation) => violation.turnId)).toEqual(["c"]);
  });

  it("binds a breaker opening at once, until the shared registry superseded it", () => {
    const modelKey = {
      kind: "model" as const,
      provider: "openai",
      model: "gpt-5.5",
      label: "openai/gpt-5.5",
    };
    const opened = {
      type: "breaker-opened" as const,
      at: t0,
      key: modelKey,
      until: t0 + 5_000,
      reason: "timeout" as const,
    };
    const script = (superseded: boolean) => {
      const turn = new TurnScript({ turnId: "a", at: t0 }).event(opened);
      if (superseded) turn.event({ type: "breaker-closed", at: t0 + 50, key: modelKey, superseded: true });
      return turn.attempt(t0 + 100, 1, openaiWork, { finishedMs: 5 }).answered(t0 + 200, canonicalReplyText);
    };
    const requests = [request(0, "w0", openaiWork, t0 + 101)];
    expect(checkCooldownsRespected(evidence({ turns: [script(true)], requests })).violations).toEqual([]);
    expect(checkCooldownsRespected(evidence({ turns: [script(false)], requests })).violations).toHaveLength(
      1,
    );
  });

  it("ignores keys that do not enclose the target", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 })
      .event({ ...workCooldown, at: t0, until: t0 + 1_000 })
      .attempt(t0 + 10, 1, anthropicMain, { finishedMs: 5 })
      .answered(t0 + 20, "x");
    expect(
      checkCooldownsRespected(
        evidence({ turns: [turn], requests: [request(0, "w0", anthropicMain, t0 + 11)] }),
      ).violations,
    ).toEqual([]);
  });
});

describe("runtime-isolated", () => {
  it("flags an attempt and a request after the caller aborted", () => {
    const turn = new TurnScript({ turnId: "a", at: t0, abortAfterMs: 100 })
      .attempt(t0, 1, openaiWork, { failed: { reason: "server_error", scope: "attempt", ms: 5 } })
      .abort(t0 + 100)
      .attempt(t0 + 200, 2, openaiWork, {})
      .failed(t0 + 300, { kind: "aborted", reason: "aborted", scope: "runtime" });
    const result = checkRuntimeIsolated(
      evidence({
        turns: [turn],
        requests: [request(0, "w0", openaiWork, t0 + 1), request(1, "w0", openaiWork, t0 + 201)],
      }),
    );
    expect(result.checked).toBe(1);
    expect(result.violations.map((violation) => violation.message)).toEqual([
      expect.stringContaining("then attempt 2"),
      expect.stringContaining("1 more request"),
    ]);
  });

  it("flags health that names a runtime reason anywhere", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 })
      .event({ ...workCooldown, at: t0, until: t0 + 10, reason: "aborted" as never })
      .answered(t0 + 20, "x");
    expect(checkRuntimeIsolated(evidence({ turns: [turn] })).violations).toHaveLength(1);
  });

  it("passes an abort that stopped everything", () => {
    const turn = new TurnScript({ turnId: "a", at: t0, abortAfterMs: 50 })
      .attempt(t0, 1, openaiWork, {})
      .abort(t0 + 50)
      .failed(t0 + 60, { kind: "aborted", reason: "aborted", scope: "runtime" });
    expect(
      checkRuntimeIsolated(evidence({ turns: [turn], requests: [request(0, "w0", openaiWork, t0 + 2)] }))
        .violations,
    ).toEqual([]);
  });
});

describe("attempts-classified", () => {
  const one = (outcome: string, failed?: { reason: string; scope: string; ms: number; timer?: "idle" }) =>
    checkAttemptsClassified(
      evidence({
        turns: [
          new TurnScript({ turnId: "a", at: t0 })
            .attempt(t0, 1, openaiWork, failed === undefined ? { finishedMs: 5 } : { failed })
            .answered(t0 + 2_000, canonicalReplyText),
        ],
        requests: [request(0, "w0", openaiWork, t0 + 1, outcome)],
      }),
    );

  it("accepts the reason the fault deserves and flags another", () => {
    expect(
      one("http-error:openai.rate_limit_exceeded", { reason: "rate_limit", scope: "credential+model", ms: 3 })
        .violations,
    ).toEqual([]);
    expect(
      one("http-error:openai.rate_limit_exceeded", { reason: "server_error", scope: "attempt", ms: 3 })
        .violations,
    ).toHaveLength(1);
    expect(one("cut-after:3", { reason: "truncated_stream", scope: "attempt", ms: 3 }).violations).toEqual(
      [],
    );
  });

  it("flags a faulty response reported as complete", () => {
    expect(one("cut-after:3").violations[0]?.message).toContain("answered as complete");
    expect(one("missing-terminator").violations).toEqual([]); // OpenAI Chat: only [DONE] is missing
  });

  it("excuses a full-length timer on a healthy response, not a short one", () => {
    expect(one("ok", { reason: "timeout", scope: "model", ms: 1_600, timer: "idle" }).violations).toEqual([]);
    expect(one("ok", { reason: "timeout", scope: "model", ms: 20, timer: "idle" }).violations).toHaveLength(
      1,
    );
  });
});

describe("turns-ended", () => {
  it("counts a turn killed with its process, flags one that never ended otherwise", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 }).attempt(t0, 1, openaiWork, {});
    expect(
      checkTurnsEnded(evidence({ turns: [turn], incarnations: [incarnation("w0", 1, "killed")] })).violations,
    ).toEqual([]);
    expect(
      checkTurnsEnded(evidence({ turns: [turn], incarnations: [incarnation("w0", 1, "crashed")] }))
        .violations,
    ).toHaveLength(1);
  });

  it("requires an abort for 'aborted' and a freeze for a session conflict", () => {
    const aborted = new TurnScript({ turnId: "a", at: t0 }).failed(t0 + 10, {
      kind: "aborted",
      reason: "aborted",
      scope: "runtime",
    });
    const fenced = new TurnScript({ turnId: "b", at: t0 }).failed(t0 + 10, {
      kind: "session",
      reason: "session_conflict",
      scope: "runtime",
    });
    expect(checkTurnsEnded(evidence({ turns: [aborted, fenced] })).violations).toHaveLength(2);
    const frozen = [incarnation("w0", 1, "stopped", [{ from: t0 + 1, until: t0 + 5 }])];
    expect(checkTurnsEnded(evidence({ turns: [fenced], incarnations: frozen })).violations).toEqual([]);
  });

  it("requires a provider ending's reason to be one its last step met", () => {
    const met = new TurnScript({ turnId: "a", at: t0 })
      .attempt(t0, 1, openaiWork, { failed: { reason: "overloaded", scope: "model", ms: 5 } })
      .event({
        type: "step-failed",
        at: t0 + 6,
        kind: "exhausted",
        reason: "overloaded",
        scope: "model",
        summary: "x",
        attempts: 1,
        ms: 6,
      })
      .failed(t0 + 10, { kind: "providers", reason: "overloaded", scope: "model" });
    const internal = new TurnScript({ turnId: "b", at: t0 })
      .event({ type: "step-failed", at: t0 + 6, kind: "exhausted", summary: "x", attempts: 0, ms: 6 })
      .failed(t0 + 10, { kind: "providers", reason: "internal", scope: "runtime" });
    const result = checkTurnsEnded(evidence({ turns: [met, internal] }));
    expect(result.violations.map((violation) => violation.turnId)).toEqual(["b"]);
  });
});

describe("answers, tools, entries, sessions, conversations, accounting", () => {
  it("flags a truncated answer and a stream that showed something else", () => {
    const cut = new TurnScript({ turnId: "a", at: t0 }).answered(t0 + 1, canonicalReplyText.slice(0, 20));
    const shown = new TurnScript({ turnId: "b", at: t0 }).answered(t0 + 1, canonicalReplyText, {
      visibleText: `x${canonicalReplyText}`,
    });
    const echo = new TurnScript({ turnId: "c", at: t0 }).answered(t0 + 1, "message of c", {
      served: anthropicMain,
    });
    expect(
      checkAnswersComplete(evidence({ turns: [cut, shown, echo] })).violations.map(
        (violation) => violation.turnId,
      ),
    ).toEqual(["a", "b"]);
  });

  it("flags a tool call executed twice", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 }).event({
      type: "tool-started",
      at: t0,
      toolCallId: "call_1",
      toolName: "record_step",
      input: {},
    });
    const run = { slot: "w0", inc: 1, turnId: "a", toolCallId: "call_1", at: t0 };
    expect(checkToolsOnce(evidence({ turns: [turn], tools: [run] })).violations).toEqual([]);
    expect(
      checkToolsOnce(evidence({ turns: [turn], tools: [run, { ...run, inc: 2 }] })).violations,
    ).toHaveLength(1);
  });

  it("flags an acknowledged entry that is missing, doubled or renumbered", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 }).ack(t0, [
      { seq: 2, id: "e2", type: "message" },
      { seq: 3, id: "e3", type: "message" },
      { seq: 4, id: "e4", type: "message" },
      { seq: 5, id: "e5", type: "message" },
    ]);
    const line = (seq: number, id: string) => ({ seq, id, parentId: null, type: "message" });
    const files = session("s1", [line(2, "e2"), line(3, "e3"), line(7, "e3"), line(9, "e4")]);
    const messages = checkEntriesOnce(evidence({ turns: [turn], sessions: [files] })).violations.map(
      (violation) => violation.message,
    );
    expect(messages).toEqual([
      expect.stringContaining("present 2 times"),
      expect.stringContaining("stored as seq 9"),
      expect.stringContaining("not in the transcript"),
    ]);
  });

  it("flags a session that does not verify", () => {
    const bad = session("s1", [], {
      ok: false,
      problems: [{ file: "s1.jsonl", line: 3, message: "seq not increasing" }],
    });
    expect(checkSessionsVerify(evidence({ sessions: [bad] })).violations[0]?.message).toContain(
      "seq not increasing",
    );
  });

  it("flags a refused conversation and traffic no attempt explains", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 }).attempt(t0, 1, openaiWork, {
      failed: { reason: "invalid_request", scope: "request", ms: 2 },
    });
    const requests = [
      request(0, "w0", openaiWork, t0 + 1, "rejected:tool-call-without-result"),
      request(1, "w0", openaiWork, t0 + 5_000),
    ];
    const shaped = evidence({ turns: [turn], requests, incarnations: [incarnation("w0", 1, "killed")] });
    expect(checkConversationsAccepted(shaped).violations[0]?.turnId).toBe("a");
    expect(checkRequestsAccounted(shaped).violations.map((violation) => violation.requests)).toEqual([[1]]);
  });
});
