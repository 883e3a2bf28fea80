// Supporting invariant: every request the simulator saw is one Baton traced. Each process has
// its own canary keys, so every request has an owner; within the owner's log it must pair with
// an `attempt-started` (attribution.ts). Requests made while a turn compacts its session (the
// summary is written through the chain) are expected and counted. Anything else is traffic the
// trace does not show, which would make every other cross-check blind to it.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkRequestsAccounted(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "requests-accounted",
    "every provider request is a traced attempt (or a compaction summary)",
    "requests",
  );
  builder.check(evidence.requests.filter((request) => request.model !== "").length);
  for (const { request, slot, why } of evidence.attribution.unexplained) {
    if (why === "compaction") {
      builder.note("requests by a compaction summariser (not traced per attempt)");
      continue;
    }
    if (why === "lost-trace") {
      builder.note("requests of gateway turns SIGKILLed before their trace was written");
      continue;
    }
    builder.fail({
      message:
        why === "no-owner"
          ? `${request.provider}/${request.model}: a request with key hash ${request.keyHash} no soak process owns`
          : `${request.provider}/${request.model} (${request.outcome}) at +${request.atMs}ms matches no traced attempt of ${slot}`,
      ...(slot === undefined ? {} : { slot }),
      requests: [request.index],
    });
  }
  for (const attempt of evidence.attribution.silentAttempts) {
    const turn = evidence.turns.find((candidate) => candidate.turnId === attempt.turnId);
    const ended = attempt.failed ?? attempt.finished;
    if (ended === undefined) builder.note("attempts the simulator never saw, interrupted before sending");
    else
      builder.fail({
        message: `attempt ${attempt.number} to ${attempt.target.provider}/${attempt.target.model} ended (${ended.type}) but the simulator never saw its request`,
        slot: attempt.slot,
        inc: attempt.inc,
        turnId: attempt.turnId,
        ...(turn === undefined ? {} : { sessionId: turn.sessionId }),
      });
  }
  return builder.result();
}
