// Turns a rendered stream and the fault in force into a script: which frames to send, how
// long to wait before each, and how the connection ends (cleanly, by a reset, or never).
// Stream faults are protocol-neutral because frames say which carry tokens and which one is
// the terminator. Pure; stream-writer.ts performs the script on a socket.
import type { Fault } from "./scenario-schema.ts";
import { corruptFrame, type Frame } from "./wire-format.ts";

export interface ScriptStep {
  readonly frame: Frame;
  readonly delayMs: number;
}

export interface StreamScript {
  readonly steps: readonly ScriptStep[];
  /**
   * "end": finish the HTTP response cleanly; "close": close the socket mid-response (FIN);
   * "reset": reset the socket (RST); "hang": send nothing more and keep the connection open.
   */
  readonly end: "end" | "close" | "reset" | "hang";
}

export interface Pacing {
  readonly firstTokenDelayMs: number;
  readonly tokenDelayMs: number;
}

/** Frames up to and including the n-th token; with fewer tokens, everything before the terminator. */
function framesThroughToken(frames: readonly Frame[], tokens: number): Frame[] {
  const kept: Frame[] = [];
  let seen = 0;
  for (const frame of frames) {
    if (frame.kind === "terminator") break;
    if (frame.kind === "token") {
      if (seen === tokens) break;
      seen += 1;
    }
    kept.push(frame);
  }
  return kept;
}

function paced(frames: readonly Frame[], pacing: Pacing): ScriptStep[] {
  let tokensSeen = 0;
  return frames.map((frame) => {
    if (frame.kind !== "token") return { frame, delayMs: 0 };
    tokensSeen += 1;
    return { frame, delayMs: tokensSeen === 1 ? pacing.firstTokenDelayMs : pacing.tokenDelayMs };
  });
}

/**
 * The script for one streamed reply. `errorFrames(sequence)` renders the in-stream error for
 * a `stream-error` fault, given how many frames precede it.
 */
export function scriptStream(
  frames: readonly Frame[],
  fault: Fault | undefined,
  pacing: Pacing,
  errorFrames: (sequence: number) => Frame[] = () => [],
): StreamScript {
  switch (fault?.kind) {
    case "slow-first-token":
      return { steps: paced(frames, { ...pacing, firstTokenDelayMs: fault.delayMs }), end: "end" };
    case "stall-after":
      return { steps: paced(framesThroughToken(frames, fault.tokens), pacing), end: "hang" };
    case "cut-after":
      return {
        steps: paced(framesThroughToken(frames, fault.tokens), pacing),
        end: fault.connection ?? "end",
      };
    case "stream-error": {
      const before = framesThroughToken(frames, fault.afterTokens);
      return { steps: paced([...before, ...errorFrames(before.length)], pacing), end: "end" };
    }
    case "missing-terminator":
      return {
        steps: paced(
          frames.filter((frame) => frame.kind !== "terminator"),
          pacing,
        ),
        end: "end",
      };
    case "malformed-event": {
      const position = Math.min(fault.at, frames.length) - 1;
      const target = frames[position];
      if (target === undefined) return { steps: paced(frames, pacing), end: "end" };
      const corrupted = [...frames.slice(0, position), corruptFrame(target), ...frames.slice(position)];
      return { steps: paced(corrupted, pacing), end: "end" };
    }
    default:
      return { steps: paced(frames, pacing), end: "end" };
  }
}

/** Total time a non-streamed answer takes: as long as its stream would. */
export function answerDelayMs(tokenCount: number, pacing: Pacing): number {
  return tokenCount === 0
    ? pacing.firstTokenDelayMs
    : pacing.firstTokenDelayMs + pacing.tokenDelayMs * (tokenCount - 1);
}
