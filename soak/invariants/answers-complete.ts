// Invariant: no truncated answer reported as complete. The simulator's answers are
// deterministic: the canonical reply, or (echo models) the turn's own unique message. Every
// answered turn's text must be exactly that (a finish reason other than `stop` on a complete
// text is counted as a mislabel); the text the caller saw
// stream in the final step (after dropping what `attempt-discarded` retracted) must equal it;
// and the request that produced it must be one the simulator answered completely.
import { canonicalReplyText } from "../../src/simulator/index.ts";
import { attemptKey } from "../attribution.ts";
import type { Evidence } from "../evidence.ts";
import { expectationOf } from "../fault-oracle.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";
import { echoModels } from "../topology.ts";
import { replyTokensOf } from "./attempts-classified.ts";

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 28)}...${text.slice(-28)}` : text);
}

export function checkAnswersComplete(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "answers-complete",
    "no truncated answer reported as complete",
    "answers",
  );
  for (const turn of evidence.turns) {
    const end = turn.end;
    if (end === undefined || !end.ok) continue;
    builder.check();
    const where = { slot: turn.slot, inc: turn.inc, turnId: turn.turnId, sessionId: turn.sessionId };
    const served = `${end.served.provider}/${end.served.model}`;
    const echo = echoModels.has(served);
    // An echo of merged consecutive user messages ends with this turn's message.
    const complete = echo
      ? end.text === turn.message || end.text.endsWith(turn.message)
      : end.text === canonicalReplyText;
    if (!complete)
      builder.fail({
        ...where,
        message: `${served} answered ${preview(end.text)}, expected ${preview(echo ? turn.message : canonicalReplyText)}`,
      });
    else if (echo && end.text !== turn.message)
      builder.note("echo answers of merged user messages (ends with the turn's message)");
    // A complete text labelled otherwise is a mislabel, not a truncation: counted, not failed.
    if (complete && end.finishReason !== "stop")
      builder.note(`complete answers labelled finish reason '${end.finishReason}' (${end.served.api})`);
    if (!complete && end.finishReason === "stop")
      builder.note("incomplete answers labelled 'stop' (already failed above)");
    if (end.visibleText !== end.text)
      builder.fail({
        ...where,
        message: `the caller saw ${preview(end.visibleText)} stream but the result says ${preview(end.text)}`,
      });
    const answering = turn.attempts.filter((attempt) => attempt.finished !== undefined).at(-1);
    const request =
      answering === undefined ? undefined : evidence.attribution.requestOf.get(attemptKey(answering));
    if (
      request !== undefined &&
      answering !== undefined &&
      expectationOf(request, replyTokensOf(turn, answering)).kind === "failure"
    )
      builder.fail({
        ...where,
        requests: [request.index],
        message: `the answer came from a request the simulator cut short ('${request.outcome}')`,
      });
  }
  return builder.result();
}
