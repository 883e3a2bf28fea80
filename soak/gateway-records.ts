// Turns a gateway lane's evidence into the same records a library worker writes, so every
// checker reads both alike. What the client was told (answer, finish reason, error with
// Baton's reason and scope) gives the turn's start and end; the turn's id comes from the
// response header, or for a failed request from the session's transcript (its unique user
// message carries the turn id); its events come from the session's trace file, which a turn
// writes when it ends (a gateway SIGKILLed mid-turn leaves none: such turns are marked).
import { join } from "node:path";
import type { TraceLine } from "../src/trace/trace-file.ts";
import type { TurnEvent } from "../src/turn/turn-event.ts";
import type { SessionFiles } from "./evidence.ts";
import type { GatewayRecord } from "./gateway-client.ts";
import { readJsonLines, type TurnErrorSummary, type WorkerRecord } from "./worker-log.ts";

const finishReasons: Readonly<Record<string, string>> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  content_filter: "content-filter",
};

/** The turn error kind a reason implies (the HTTP answer carries the reason, not the kind). */
export function kindOfReason(reason: string): string {
  if (reason === "content_policy" || reason === "invalid_request") return "request";
  if (reason.startsWith("session_")) return "session";
  if (reason === "aborted" || reason === "internal" || reason === "config") return reason;
  return "providers";
}

type End = Extract<GatewayRecord, { t: "gw-end" }>;
type Start = Extract<GatewayRecord, { t: "gw-start" }>;

function endRecord(
  start: Start,
  end: End,
  turnId: string,
  events: readonly TurnEvent[],
): WorkerRecord | undefined {
  if (end.transport !== undefined) return undefined; // the gateway went away mid-request
  const base = {
    t: "turn-end" as const,
    slot: start.slot,
    inc: start.inc,
    at: end.at,
    turnId,
    sessionId: start.sessionId,
  };
  if (end.status === 200 && end.error === undefined) {
    const answered = events.filter((event) => event.type === "step-answered").at(-1);
    const [provider = "?", model = "?"] = (end.model ?? "?/?").split(/\/(.*)/s);
    const served =
      answered?.type === "step-answered"
        ? answered.served
        : { provider, model, api: "openai-chat" as const, credentialId: "?" };
    return {
      ...base,
      ok: true,
      text: end.text ?? "",
      visibleText: end.text ?? "",
      served,
      finishReason: finishReasons[end.finishReason ?? ""] ?? end.finishReason ?? "none",
      steps: Math.max(1, events.filter((event) => event.type === "step-started").length),
      toolCalls: [],
    };
  }
  const reason = end.error?.reason ?? "unknown";
  const error: TurnErrorSummary = {
    kind: kindOfReason(reason),
    reason,
    scope: end.error?.scope ?? "unknown",
    message: `HTTP ${end.status}: ${end.error?.message ?? ""}`.split("\n", 1)[0] ?? "",
  };
  return { ...base, ok: false, error };
}

/** Worker-style records for every request the lanes sent. */
export async function gatewayRecords(
  lanes: readonly GatewayRecord[],
  sessionsDir: string,
  sessions: readonly SessionFiles[],
): Promise<WorkerRecord[]> {
  const traces = new Map<string, Map<string, TurnEvent[]>>();
  const traceOf = async (sessionId: string): Promise<Map<string, TurnEvent[]>> => {
    const known = traces.get(sessionId);
    if (known !== undefined) return known;
    const byTurn = new Map<string, TurnEvent[]>();
    for (const line of (await readJsonLines<TraceLine>(join(sessionsDir, `${sessionId}.trace.jsonl`)))
      .records) {
      const { turnId, ...event } = line;
      byTurn.set(turnId, [...(byTurn.get(turnId) ?? []), event as unknown as TurnEvent]);
    }
    traces.set(sessionId, byTurn);
    return byTurn;
  };
  const turnOfMessage = new Map<string, string>();
  for (const session of sessions)
    for (const entry of session.entries)
      if (
        entry.type === "message" &&
        entry.message?.role === "user" &&
        typeof entry.message.content === "string" &&
        entry.turnId !== undefined
      )
        turnOfMessage.set(`${session.id}\u0000${entry.message.content}`, entry.turnId);
  const ends = new Map<string, End>();
  for (const record of lanes) if (record.t === "gw-end") ends.set(`${record.slot}#${record.n}`, record);
  const records: WorkerRecord[] = [];
  for (const start of lanes) {
    if (start.t !== "gw-start") continue;
    const end = ends.get(`${start.slot}#${start.n}`);
    const turnId =
      end?.turnId ??
      turnOfMessage.get(`${start.sessionId}\u0000${start.message}`) ??
      `gw:${start.slot}:${start.n}`;
    const events = (await traceOf(start.sessionId)).get(turnId) ?? [];
    const { slot, inc, sessionId, message } = start;
    records.push({
      t: "turn-start",
      slot,
      inc,
      at: start.at,
      turnId,
      sessionId,
      message,
      tools: false,
      fromTrace: true,
    });
    for (const event of events) records.push({ t: "event", slot, inc, at: event.at, turnId, event });
    const last = end === undefined ? undefined : endRecord(start, end, turnId, events);
    if (last !== undefined) records.push(last);
  }
  return records;
}
