// Whether an attempt may ask for its answer whole (one non-streamed request) instead of as a
// stream. Only when the caller takes the answer whole (nothing is shown before the attempt
// ends) and no connect, first-token or idle timer is in force: those timers watch a stream's
// progress, which a non-streamed answer does not show (its headers arrive with the whole
// answer), so with any of them set the attempt streams and keeps their facts. Pure.
import type { ModelRequest, ModelTimers } from "./model-stream.ts";

function isSet(ms: number | undefined): boolean {
  return ms !== undefined && Number.isFinite(ms) && ms > 0;
}

/** True when a timer the attempt would arm is set (the same test AttemptControl uses). */
export function hasStreamTimer(timers: ModelTimers | undefined): boolean {
  return (
    timers !== undefined && (isSet(timers.connectMs) || isSet(timers.firstTokenMs) || isSet(timers.idleMs))
  );
}

export function answersWhole(request: ModelRequest): boolean {
  return request.whole === true && !hasStreamTimer(request.timers);
}
