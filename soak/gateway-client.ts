// The client side of a gateway lane: sends OpenAI chat completions to one `baton serve` process,
// one request at a time, each a unique message on a shared session (`x-baton-session`),
// streamed (commit `forward` or `hold`) or not, and records what it was told: the answer text
// as it streamed, the finish reason, the served model and turn id, or the error with Baton's
// reason and scope. It runs in the soak's own process (the killer only kills the gateway).
// Records go, one JSON line each with a synchronous append, to the lane's log file.
import { appendFileSync } from "node:fs";
import type { Random } from "./random.ts";
import { sleepUnlessAborted } from "./sleep.ts";

export type GatewayRecord =
  | {
      readonly t: "gw-start";
      readonly slot: string;
      readonly inc: number;
      readonly at: number;
      readonly n: number;
      readonly sessionId: string;
      readonly message: string;
      readonly stream: boolean;
      readonly commit: "forward" | "hold";
    }
  | {
      readonly t: "gw-end";
      readonly slot: string;
      readonly inc: number;
      readonly at: number;
      readonly n: number;
      readonly status: number;
      readonly turnId?: string;
      /** The answer (streamed: the deltas as received). */
      readonly text?: string;
      readonly finishReason?: string;
      /** `provider/model` from the response. */
      readonly model?: string;
      readonly error?: {
        readonly message: string;
        readonly reason?: string;
        readonly scope?: string;
        readonly kind?: string;
      };
      /** The connection failed (the gateway was killed or not listening). */
      readonly transport?: string;
    };

export interface GatewayLane {
  readonly slot: string;
  readonly sessions: readonly string[];
  readonly logFile: string;
  /** The live gateway's URL and incarnation, once it listens. */
  readonly current: () => { url: string; inc: number } | undefined;
  readonly random: Random;
  readonly thinkMs: readonly [number, number];
}

interface Parsed {
  text: string;
  finishReason?: string;
  model?: string;
  error?: { message: string; reason?: string; scope?: string; kind?: string };
}

function errorOf(value: unknown): Parsed["error"] {
  const error = (
    value as { error?: { message?: string; baton?: { reason?: string; scope?: string; kind?: string } } }
  ).error;
  if (error === undefined) return undefined;
  return {
    message: String(error.message ?? ""),
    ...(error.baton?.reason === undefined ? {} : { reason: error.baton.reason }),
    ...(error.baton?.scope === undefined ? {} : { scope: error.baton.scope }),
    ...(error.baton?.kind === undefined ? {} : { kind: error.baton.kind }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Reads an SSE body: content deltas, the finish reason, an in-stream error, `[DONE]`. */
function parseStream(body: string): Parsed {
  const parsed: Parsed = { text: "" };
  let done = false;
  for (const line of body.split("\n")) {
    if (!line.startsWith("data: ")) continue;
    const data = line.slice(6).trim();
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as {
      model?: string;
      choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
    };
    const error = errorOf(chunk);
    if (error !== undefined) parsed.error = error;
    if (chunk.model !== undefined) parsed.model = chunk.model;
    for (const choice of chunk.choices ?? []) {
      parsed.text += choice.delta?.content ?? "";
      if (choice.finish_reason != null) parsed.finishReason = choice.finish_reason;
    }
  }
  if (!done && parsed.error === undefined) parsed.error = { message: "the stream ended without [DONE]" };
  return parsed;
}

/** Sends requests until `stop` aborts; the request in flight then finishes (the gateway drains later). */
export async function runGatewayLane(lane: GatewayLane, stop: AbortSignal): Promise<number> {
  const write = (record: GatewayRecord): void =>
    appendFileSync(lane.logFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  let n = 0;
  while (!stop.aborted) {
    const live = lane.current();
    if (live === undefined) {
      await sleepUnlessAborted(100, stop);
      continue;
    }
    n += 1;
    const { slot } = lane;
    const sessionId = lane.random.pick(lane.sessions);
    const message = `soak ${slot}.${live.inc} request ${n} ${lane.random.int(100_000, 999_999)}`;
    const stream = lane.random.chance(0.6);
    const commit = lane.random.chance(0.5) ? "hold" : "forward";
    write({ t: "gw-start", slot, inc: live.inc, at: Date.now(), n, sessionId, message, stream, commit });
    const end = { t: "gw-end" as const, slot, inc: live.inc, n };
    try {
      const response = await fetch(`${live.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-baton-session": sessionId,
          "x-baton-stream-commit": commit,
        },
        body: JSON.stringify({ model: "baton", stream, messages: [{ role: "user", content: message }] }),
      });
      const body = await response.text();
      const turnId = response.headers.get("x-baton-turn-id") ?? undefined;
      const failure = response.ok ? undefined : (errorOf(safeJson(body)) ?? { message: body.slice(0, 200) });
      const parsed: Parsed = !response.ok
        ? { text: "", ...(failure === undefined ? {} : { error: failure }) }
        : stream
          ? parseStream(body)
          : (() => {
              const json = JSON.parse(body) as {
                model?: string;
                choices?: { message?: { content?: string | null }; finish_reason?: string }[];
              };
              const choice = json.choices?.[0];
              return {
                text: choice?.message?.content ?? "",
                ...(choice?.finish_reason === undefined ? {} : { finishReason: choice.finish_reason }),
                ...(json.model === undefined ? {} : { model: json.model }),
              };
            })();
      write({
        ...end,
        at: Date.now(),
        status: response.status,
        ...(turnId === undefined ? {} : { turnId }),
        text: parsed.text,
        ...(parsed.finishReason === undefined ? {} : { finishReason: parsed.finishReason }),
        ...(parsed.model === undefined ? {} : { model: parsed.model }),
        ...(parsed.error === undefined ? {} : { error: parsed.error }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      write({ ...end, at: Date.now(), status: 0, transport: cause?.code ?? cause?.message ?? String(error) });
    }
    await sleepUnlessAborted(lane.random.int(lane.thinkMs[0], lane.thinkMs[1]), stop);
  }
  return n;
}
