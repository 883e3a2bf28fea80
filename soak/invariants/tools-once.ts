// Invariant: no tool executed twice. The soak's tool appends a line (with the tool-call id) to
// its process's file before it returns; the same id twice, in any process, is a double
// execution. Cross-checks: every execution belongs to a turn that announced it (`tool-started`),
// and no session holds two tool results for one call.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";
import { eventsOf } from "../turns.ts";

export function checkToolsOnce(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder("tools-once", "no tool executed twice", "tool executions");
  const byId = new Map<string, (typeof evidence.tools)[number][]>();
  for (const execution of evidence.tools) {
    builder.check();
    const list = byId.get(execution.toolCallId) ?? [];
    list.push(execution);
    byId.set(execution.toolCallId, list);
  }
  const turns = new Map(evidence.turns.map((turn) => [turn.turnId, turn]));
  for (const [toolCallId, executions] of byId) {
    const first = executions[0] as (typeof executions)[number];
    const turn = turns.get(first.turnId);
    const where = {
      slot: first.slot,
      inc: first.inc,
      turnId: first.turnId,
      ...(turn === undefined ? {} : { sessionId: turn.sessionId }),
    };
    if (executions.length > 1)
      builder.fail({
        ...where,
        message: `tool call ${toolCallId} executed ${executions.length} times (${executions.map((e) => `${e.slot}.${e.inc} turn ${e.turnId.slice(0, 8)}`).join(", ")})`,
      });
    if (
      turn !== undefined &&
      !eventsOf(turn, "tool-started").some((event) => event.toolCallId === toolCallId)
    )
      builder.fail({
        ...where,
        message: `tool call ${toolCallId} executed without a tool-started event in its turn`,
      });
  }
  for (const session of evidence.sessions) {
    const results = new Map<string, number>();
    for (const entry of session.entries) {
      const id =
        entry.type === "message" && entry.message?.role === "tool" ? entry.message.toolCallId : undefined;
      if (id !== undefined) results.set(id, (results.get(id) ?? 0) + 1);
    }
    for (const [id, count] of results)
      if (count > 1)
        builder.fail({
          sessionId: session.id,
          message: `session ${session.id} holds ${count} tool results for call ${id}`,
        });
  }
  return builder.result();
}
