// The soak's building blocks: request-to-attempt attribution, the key tap's rewriting across
// chunk boundaries (and over a real socket), the seeded fault plan, the fault oracle, the
// canary search and the killer's schedule.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { attemptKey } from "../../soak/attribution.ts";
import { canaryKeys, findLeaks, maskedEcho } from "../../soak/canary.ts";
import { expectationOf } from "../../soak/fault-oracle.ts";
import { faultPlan } from "../../soak/fault-plan.ts";
import { gatewayRecords, kindOfReason } from "../../soak/gateway-records.ts";
import { keyRewriter, partialTail, startKeyTap } from "../../soak/key-tap.ts";
import { chaosSchedule } from "../../soak/killer.ts";
import { Random } from "../../soak/random.ts";
import { parseScenario } from "../../src/simulator/index.ts";
import { evidence, openaiWork, request, session, TurnScript, t0 } from "./fixtures.ts";

describe("attribution", () => {
  it("pairs each attempt with its own request in order, leaving a compaction's requests over", () => {
    const turn = new TurnScript({ turnId: "a", at: t0 })
      .attempt(t0, 1, openaiWork, { failed: { reason: "context_overflow", scope: "model", ms: 5 } })
      .event({ type: "compaction-started", at: t0 + 10, why: "overflow" })
      .event({ type: "compaction-finished", at: t0 + 90, compacted: true })
      .attempt(t0 + 100, 1, openaiWork, { finishedMs: 50 });
    const requests = [
      request(0, "w0", openaiWork, t0 + 2),
      request(1, "w0", openaiWork, t0 + 20),
      request(2, "w0", openaiWork, t0 + 101),
    ];
    const { attribution } = evidence({ turns: [turn], requests });
    const [first, second] = attribution.requestOf.size === 2 ? [...attribution.requestOf.values()] : [];
    expect([first?.index, second?.index]).toEqual([0, 2]);
    expect(attribution.unexplained.map((item) => [item.request.index, item.why])).toEqual([
      [1, "compaction"],
    ]);
  });

  it("does not let an attempt that sent nothing steal the next attempt's request", () => {
    const earlier = new TurnScript({ turnId: "a", at: t0 })
      .attempt(t0, 1, openaiWork, {})
      .failed(t0 + 5, { kind: "aborted", reason: "aborted", scope: "runtime" });
    const later = new TurnScript({ turnId: "b", at: t0 + 500 }).attempt(t0 + 500, 1, openaiWork, {
      finishedMs: 20,
    });
    const { attribution, turns } = evidence({
      turns: [earlier, later],
      requests: [request(0, "w0", openaiWork, t0 + 501)],
    });
    const attemptOfB = turns.find((turn) => turn.turnId === "b")?.attempts[0];
    expect(
      attemptOfB === undefined ? undefined : attribution.requestOf.get(attemptKey(attemptOfB))?.index,
    ).toBe(0);
    expect(attribution.silentAttempts.map((attempt) => attempt.turnId)).toEqual(["a"]);
  });
});

describe("key tap", () => {
  const swaps = [["sk-shared-key-0001", "sk-w0own-key-00001"]] as const;

  it("finds a key's beginning at the end of a chunk", () => {
    expect(partialTail("...Bearer sk-sha", ["sk-shared-key-0001"])).toBe(6);
    expect(partialTail('{"a":1}', ["sk-shared-key-0001"])).toBe(0);
  });

  it("swaps keys split across chunks and holds back nothing else", () => {
    const rewrite = keyRewriter(swaps);
    const text = "POST / HTTP/1.1\r\nauthorization: Bearer sk-shared-key-0001\r\n\r\n{}";
    for (const cut of [5, 40, 45, 52, text.length - 1]) {
      const rewrite = keyRewriter(swaps);
      const out = Buffer.concat([
        rewrite(Buffer.from(text.slice(0, cut))),
        rewrite(Buffer.from(text.slice(cut))),
      ]).toString();
      expect(out).toBe(text.replace("sk-shared-key-0001", "sk-w0own-key-00001"));
    }
    expect(rewrite(Buffer.from("body ends }")).toString()).toBe("body ends }");
  });

  it("forwards bytes both ways and passes a reset through", async () => {
    const upstream = createServer((socket) => {
      socket.once("data", (chunk) => {
        if (chunk.toString().includes("reset")) socket.resetAndDestroy();
        else socket.end(`echo ${chunk.toString()}`);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const port = (upstream.address() as { port: number }).port;
    const tap = await startKeyTap(port, swaps);
    const exchange = async (text: string): Promise<string> => {
      const { createConnection } = await import("node:net");
      const url = new URL(tap.url);
      return new Promise((resolve) => {
        const socket = createConnection({ host: url.hostname, port: Number(url.port) });
        let received = "";
        socket.on("data", (chunk) => {
          received += chunk.toString();
        });
        socket.on("error", (error) => resolve(`error ${(error as NodeJS.ErrnoException).code}`));
        socket.on("end", () => resolve(received));
        socket.write(text);
      });
    };
    try {
      expect(await exchange("key sk-shared-key-0001")).toBe("echo key sk-w0own-key-00001");
      expect(await exchange("please reset")).toBe("error ECONNRESET");
    } finally {
      await tap.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe("fault plan", () => {
  const keys = [...canaryKeys("w0"), ...canaryKeys("w1")];

  it("is a valid scenario, the same for the same seed, with every fault family", () => {
    const plan = faultPlan(new Random(9).fork("faults"), 120_000, keys, 600);
    expect(() => parseScenario(plan.scenario)).not.toThrow();
    expect(faultPlan(new Random(9).fork("faults"), 120_000, keys, 600).scenario).toEqual(plan.scenario);
    const kinds = new Set(plan.scenario.faults?.map((rule) => rule.fault.kind));
    for (const kind of [
      "http-error",
      "reset-before-headers",
      "never-answer",
      "slow-first-token",
      "stall-after",
      "cut-after",
      "malformed-event",
      "missing-terminator",
      "stream-error",
    ])
      expect(kinds).toContain(kind);
    expect(plan.windows.length).toBeGreaterThanOrEqual(4);
  });
});

describe("fault oracle", () => {
  it("says what each simulator outcome deserves", () => {
    const of = (outcome: string, api: "openai-chat" | "anthropic-messages" = "openai-chat") =>
      expectationOf({ outcome, api, stream: true });
    expect(of("ok")).toEqual({ kind: "answer" });
    expect(of("http-error:openai.usage_limit_reached")).toEqual({
      kind: "failure",
      reasons: ["quota_exhausted"],
    });
    expect(of("stream-error:anthropic.overloaded_error", "anthropic-messages")).toEqual({
      kind: "failure",
      reasons: ["overloaded"],
    });
    expect(of("missing-terminator", "anthropic-messages")).toEqual({
      kind: "failure",
      reasons: ["truncated_stream"],
    });
    expect(of("malformed-event:3")).toEqual({ kind: "answer" });
    expect(of("slow-first-token:200")).toEqual({ kind: "answer" });
    expect(of("slow-first-token:5000")).toEqual({ kind: "failure", reasons: ["timeout"] });
  });

  it("knows a fault after a one-token tool call's last token leaves OpenAI Chat's finish chunk in place", () => {
    const chat = { outcome: "cut-after:2", api: "openai-chat" as const, stream: true };
    expect(expectationOf(chat)).toEqual({ kind: "failure", reasons: ["truncated_stream"] });
    expect(expectationOf(chat, 1)).toEqual({ kind: "either", reasons: ["truncated_stream"] });
    expect(expectationOf({ ...chat, api: "anthropic-messages" }, 1)).toEqual({
      kind: "failure",
      reasons: ["truncated_stream"],
    });
    expect(expectationOf({ ...chat, outcome: "cut-after:0" }, 1)).toEqual({
      kind: "failure",
      reasons: ["truncated_stream"],
    });
  });
});

describe("gateway lanes", () => {
  it("rebuilds a gateway turn from the client's record, the transcript and the trace file", async () => {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "baton-soak-gw-"));
    try {
      const trace = [
        {
          turnId: "T1",
          type: "attempt-started",
          at: t0 + 1,
          attempt: 1,
          target: openaiWork,
          continuation: "none",
          probe: false,
        },
        {
          turnId: "T2",
          type: "step-failed",
          at: t0 + 9,
          kind: "request",
          reason: "content_policy",
          scope: "request",
          summary: "x",
          attempts: 1,
          ms: 2,
        },
      ];
      await writeFile(
        join(dir, "s1.trace.jsonl"),
        `${trace.map((line) => JSON.stringify(line)).join("\n")}\n`,
      );
      const start = (n: number, message: string) => ({
        t: "gw-start" as const,
        slot: "g0",
        inc: 1,
        at: t0,
        n,
        sessionId: "s1",
        message,
        stream: true,
        commit: "hold" as const,
      });
      const records = await gatewayRecords(
        [
          start(1, "m1"),
          {
            t: "gw-end",
            slot: "g0",
            inc: 1,
            n: 1,
            at: t0 + 5,
            status: 200,
            turnId: "T1",
            text: "hello",
            finishReason: "stop",
            model: "openai/gpt-5.5",
          },
          start(2, "m2"),
          {
            t: "gw-end",
            slot: "g0",
            inc: 1,
            n: 2,
            at: t0 + 10,
            status: 400,
            text: "",
            error: { message: "refused", reason: "content_policy", scope: "request" },
          },
          start(3, "m3"),
          { t: "gw-end", slot: "g0", inc: 1, n: 3, at: t0 + 20, status: 0, transport: "ECONNRESET" },
        ],
        dir,
        [
          session("s1", [
            {
              seq: 1,
              id: "e1",
              parentId: null,
              type: "message",
              turnId: "T2",
              message: { role: "user", content: "m2" },
            },
          ]),
        ],
      );
      expect(records.map((record) => `${record.t}:${"turnId" in record ? record.turnId : ""}`)).toEqual([
        "turn-start:T1",
        "event:T1",
        "turn-end:T1",
        "turn-start:T2",
        "event:T2",
        "turn-end:T2",
        "turn-start:gw:g0:3",
      ]);
      expect(records[5]).toMatchObject({ ok: false, error: { kind: "request", reason: "content_policy" } });
      expect(kindOfReason("session_conflict")).toBe("session");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("canaries and the killer", () => {
  it("finds a key, its core and its masked echo", () => {
    const [canary] = canaryKeys("w3");
    if (canary === undefined) throw new Error("no canary");
    expect(findLeaks(`x\n${canary.key}`, "f", [canary])).toEqual([
      expect.objectContaining({ form: "key", line: 2 }),
    ]);
    expect(findLeaks(`id ${canary.core}`, "f", [canary])[0]?.form).toBe("core");
    expect(findLeaks(`Incorrect API key provided: ${maskedEcho(canary.key)}`, "f", [canary])[0]?.form).toBe(
      "masked",
    );
    expect(findLeaks("Incorrect API key provided: [redacted]", "f", [canary])).toEqual([]);
  });

  it("schedules seeded chaos inside the run", () => {
    const schedule = chaosSchedule(new Random(5), 60_000, {
      meanIntervalMs: 4_000,
      freezeMs: [5_000, 7_000],
    });
    expect(schedule).toEqual(
      chaosSchedule(new Random(5), 60_000, { meanIntervalMs: 4_000, freezeMs: [5_000, 7_000] }),
    );
    expect(schedule.length).toBeGreaterThan(5);
    expect(schedule.every((action) => action.atMs < 59_000 && action.freezeMs >= 5_000)).toBe(true);
  });
});
