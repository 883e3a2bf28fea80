// Invariant: no request went to a credential, model or provider inside its cooldown (or open
// breaker). Windows come from the workers' traces: `cooldown-started` and `breaker-opened`
// (key + until) and `candidate-skipped` (a process showing it knew a key was cooling until
// then). Requests come from the simulator's log, each paired with the attempt that sent it.
// A window binds a process from the moment it knew of it: at once for the process that
// recorded or skipped it; for any other process, once the recording turn had ended (the engine
// waits for its health writes before a turn returns; a turn that died with its process may
// never have published them). A request binds when its engine decided on it (the last
// `decision-made` before the attempt) and is a violation if it was sent before the window's end.
// Cooldowns only ever grow when processes' events are merged; a breaker opening can be undone
// by another process's success merged first, and the engine then traces a `breaker-closed`
// marked `superseded` in the same turn: the window ends there. Requests no attempt explains (a
// compaction's summary) are checked at their own time.
import { attemptKey } from "../attribution.ts";
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

interface Window {
  readonly slot: string;
  readonly inc: number;
  readonly turnId: string;
  readonly key: { provider: string; credentialId?: string; model?: string; label: string };
  readonly from: number;
  readonly until: number;
  readonly what: string;
  /** When other processes can know of it (the recording turn's end), if they can. */
  readonly publishedAt?: number;
}

type Target = { provider: string; credentialId: string; model: string };

function encloses(key: Window["key"], target: Target): boolean {
  return (
    key.provider === target.provider &&
    (key.credentialId === undefined || key.credentialId === target.credentialId) &&
    (key.model === undefined || key.model === target.model)
  );
}

function sameKey(a: Window["key"], b: Window["key"]): boolean {
  return a.provider === b.provider && a.credentialId === b.credentialId && a.model === b.model;
}

export function collectWindows(evidence: Pick<Evidence, "turns">): Window[] {
  const windows: Window[] = [];
  for (const turn of evidence.turns) {
    const base = { slot: turn.slot, inc: turn.inc, turnId: turn.turnId };
    const published = turn.end === undefined ? {} : { publishedAt: turn.end.at };
    for (const [index, event] of turn.events.entries()) {
      if (event.type === "cooldown-started" || event.type === "breaker-opened") {
        const superseded =
          event.type === "breaker-opened"
            ? turn.events
                .slice(index + 1)
                .find(
                  (later) =>
                    later.type === "breaker-closed" &&
                    later.superseded === true &&
                    sameKey(later.key, event.key),
                )
            : undefined;
        windows.push({
          ...base,
          ...published,
          key: event.key,
          from: event.at,
          until: superseded === undefined ? event.until : Math.min(event.until, superseded.at),
          what: `${event.type} (${event.reason})${superseded === undefined ? "" : " (superseded)"}`,
        });
      } else if (event.type === "candidate-skipped" && event.key !== undefined && event.until !== undefined) {
        if (event.why !== "cooling" && event.why !== "breaker-open") continue;
        windows.push({
          ...base,
          key: event.key,
          from: event.at,
          until: event.until,
          what: `skipped as ${event.why}`,
        });
      }
    }
  }
  return windows;
}

/** When `slot`/`inc` can know of the window, or undefined if it cannot. */
function knownAt(window: Window, slot: string, inc: number): number | undefined {
  if (window.slot === slot && window.inc === inc) return window.from;
  return window.publishedAt;
}

export function checkCooldownsRespected(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "cooldowns-respected",
    "no request to a credential, model or provider inside its cooldown",
    "requests",
  );
  const windows = collectWindows(evidence);
  builder.note("cooldown/breaker windows from traces", windows.length);
  const byProvider = new Map<string, Window[]>();
  for (const window of windows)
    byProvider.set(window.key.provider, [...(byProvider.get(window.key.provider) ?? []), window]);
  const keyOwner = new Map(evidence.keys.map((key) => [key.hash, key]));
  for (const turn of evidence.turns) {
    for (const attempt of turn.attempts) {
      const request = evidence.attribution.requestOf.get(attemptKey(attempt));
      if (request === undefined) continue;
      builder.check();
      for (const window of byProvider.get(attempt.target.provider) ?? []) {
        if (!encloses(window.key, attempt.target) || attempt.startedAt >= window.until) continue;
        const known = knownAt(window, attempt.slot, attempt.inc);
        if (known === undefined || known > attempt.decidedAt) continue;
        builder.fail({
          slot: attempt.slot,
          inc: attempt.inc,
          turnId: attempt.turnId,
          sessionId: turn.sessionId,
          requests: [request.index],
          message: `request to ${attempt.target.provider}/${attempt.target.model} via ${attempt.target.credentialId} at ${new Date(attempt.startedAt).toISOString()} inside ${window.key.label} ${window.what} until ${new Date(window.until).toISOString()} (known to this process since ${window.slot === attempt.slot && window.inc === attempt.inc ? "it recorded it" : `${window.slot}'s turn ended`}, ${attempt.decidedAt - known} ms before it decided)`,
        });
        break;
      }
    }
  }
  // Requests no attempt explains, e.g. a compaction summary: checked at the request's own time.
  for (const { request, slot } of evidence.attribution.unexplained) {
    const owner = keyOwner.get(request.keyHash);
    if (slot === undefined || owner === undefined) continue;
    builder.check();
    const target = {
      provider: request.provider,
      model: request.model,
      credentialId: `${owner.provider}:${owner.credentialId}`,
    };
    const inc = evidence.incarnations
      .filter((incarnation) => incarnation.slot === slot && incarnation.startedAt <= request.epoch)
      .at(-1)?.inc;
    if (inc === undefined) continue;
    const hit = (byProvider.get(request.provider) ?? []).find((window) => {
      const known = knownAt(window, slot, inc);
      return (
        encloses(window.key, target) &&
        known !== undefined &&
        known < request.epoch - 250 &&
        request.epoch < window.until
      );
    });
    if (hit !== undefined)
      builder.fail({
        slot,
        inc,
        requests: [request.index],
        message: `untraced request to ${request.provider}/${request.model} via ${owner.credentialId} inside ${hit.key.label} ${hit.what}`,
      });
  }
  return builder.result();
}
