// Invariant: no provider refused the conversation Baton sent. The simulator checks each
// request the way the real provider does (tool calls answered, ids well formed, first message
// from the user...) and logs `rejected:<reason>`; such a refusal means Baton built a request
// that could never be answered, so a turn it could have answered was dropped.
import type { Evidence } from "../evidence.ts";
import { isConversationRefusal } from "../fault-oracle.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkConversationsAccepted(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "conversations-accepted",
    "no request refused for the shape of its conversation",
    "requests",
  );
  for (const request of evidence.requests) {
    if (request.model === "") continue;
    builder.check();
    if (!isConversationRefusal(request.outcome)) continue;
    const attempt = evidence.attribution.attemptOf.get(request.index);
    const turn =
      attempt === undefined
        ? undefined
        : evidence.turns.find((candidate) => candidate.turnId === attempt.turnId);
    builder.fail({
      message: `${request.provider}/${request.model} (${request.api}) refused the conversation: ${request.outcome}`,
      requests: [request.index],
      ...(turn === undefined
        ? {}
        : { slot: turn.slot, inc: turn.inc, turnId: turn.turnId, sessionId: turn.sessionId }),
    });
  }
  return builder.result();
}
