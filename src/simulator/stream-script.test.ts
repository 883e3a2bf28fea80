import { describe, expect, it } from "vitest";
import { answerDelayMs, scriptStream } from "./stream-script.ts";
import type { Frame } from "./wire-format.ts";

const frames: Frame[] = [
  { kind: "structure", data: "open" },
  { kind: "token", data: "t1" },
  { kind: "token", data: "t2" },
  { kind: "token", data: "t3" },
  { kind: "structure", data: "finish" },
  { kind: "terminator", data: "[DONE]" },
];
const pacing = { firstTokenDelayMs: 100, tokenDelayMs: 10 };
const sent = (script: ReturnType<typeof scriptStream>) => script.steps.map((step) => step.frame.data);

describe("stream script", () => {
  it("sends everything, pacing the first token and the rest", () => {
    const script = scriptStream(frames, undefined, pacing);
    expect(sent(script)).toEqual(frames.map((frame) => frame.data));
    expect(script.steps.map((step) => step.delayMs)).toEqual([0, 100, 10, 10, 0, 0]);
    expect(script.end).toBe("end");
  });

  it("cuts after N tokens, stalls after N tokens, and ends as told", () => {
    expect(sent(scriptStream(frames, { kind: "cut-after", tokens: 2 }, pacing))).toEqual([
      "open",
      "t1",
      "t2",
    ]);
    expect(scriptStream(frames, { kind: "cut-after", tokens: 2, connection: "reset" }, pacing).end).toBe(
      "reset",
    );
    expect(sent(scriptStream(frames, { kind: "cut-after", tokens: 0 }, pacing))).toEqual(["open"]);
    expect(sent(scriptStream(frames, { kind: "cut-after", tokens: 9 }, pacing))).toEqual([
      "open",
      "t1",
      "t2",
      "t3",
      "finish",
    ]);
    const stall = scriptStream(frames, { kind: "stall-after", tokens: 1 }, pacing);
    expect([sent(stall), stall.end]).toEqual([["open", "t1"], "hang"]);
  });

  it("delays only the first token for slow-first-token", () => {
    const script = scriptStream(frames, { kind: "slow-first-token", delayMs: 500 }, pacing);
    expect(script.steps.map((step) => step.delayMs)).toEqual([0, 500, 10, 10, 0, 0]);
  });

  it("inserts a corrupt copy before event N, and drops only the terminator for missing-terminator", () => {
    expect(sent(scriptStream(frames, { kind: "malformed-event", at: 2 }, pacing))).toEqual([
      "open",
      "t",
      "t1",
      "t2",
      "t3",
      "finish",
      "[DONE]",
    ]);
    expect(sent(scriptStream(frames, { kind: "missing-terminator" }, pacing))).toEqual([
      "open",
      "t1",
      "t2",
      "t3",
      "finish",
    ]);
  });

  it("puts the error frames after N tokens, numbered after what was sent", () => {
    const script = scriptStream(
      frames,
      { kind: "stream-error", afterTokens: 1, error: "server_error" },
      pacing,
      (sequence) => [{ kind: "structure", data: `error@${sequence}` }],
    );
    expect(sent(script)).toEqual(["open", "t1", "error@2"]);
  });

  it("makes a non-streamed answer take as long as its stream", () => {
    expect(answerDelayMs(3, pacing)).toBe(120);
    expect(answerDelayMs(0, pacing)).toBe(100);
  });
});
