// The simulator's memory of what it was asked and what it did: one entry per generation or
// listing request, call counters per provider+model, and the clock origin that fault windows
// and `atMs` are measured from. Entries hold a hash of the API key, never the key.
import type { WireProtocol } from "../providers/wire-protocol.ts";

/** Sampling settings a request carried, under neutral names (each protocol spells them its way). */
export interface SamplingSeen {
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
}

/** One request as the simulator saw and handled it. */
export interface SimulatorLogEntry {
  /** Milliseconds since the simulator started or was last reset. */
  atMs: number;
  provider: string;
  api: WireProtocol;
  model: string;
  /** 12 hex digits of sha256(key), or "none". */
  keyHash: string;
  promptChars: number;
  /** Present when the request set any sampling setting. */
  sampling?: SamplingSeen;
  /** OpenAI's `reasoning_effort` / `reasoning.effort` as sent; "thinking" when Anthropic or Gemini thinking was asked for. */
  reasoning?: string;
  stream: boolean;
  /** 1-based per provider+model since the last reset. */
  call: number;
  /**
   * What the simulator did: "ok", "http-error:<catalogue id>", "reset-before-headers",
   * "never-answer", "slow-first-token:<ms>", "stall-after:<n>", "cut-after:<n>",
   * "malformed-event:<n>", "missing-terminator", "stream-error:<catalogue id>",
   * "reject-prefill:<catalogue id>", "invalid-request", "rejected:<reason>" (a conversation
   * the provider would refuse; see request-validation.ts).
   */
  outcome: string;
  status?: number;
  /** The client closed the connection before the simulator finished. */
  closedByClient?: boolean;
  /** Name of the scenario fault rule applied, when it has one. */
  faultName?: string;
}

export class RequestLog {
  private entries: SimulatorLogEntry[] = [];
  private readonly calls = new Map<string, number>();
  private origin = performance.now();

  /** Milliseconds since start or the last reset. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.origin);
  }

  /** Counts a call of provider+model and returns its 1-based number. */
  nextCall(provider: string, model: string): number {
    const key = `${provider}\u0000${model}`;
    const next = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, next);
    return next;
  }

  /** Adds an entry; the returned object may be updated as the request proceeds. */
  add(entry: SimulatorLogEntry): SimulatorLogEntry {
    this.entries.push(entry);
    return entry;
  }

  /** Copies of every entry, oldest first. */
  list(): SimulatorLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Clears entries and counters and restarts the clock. */
  reset(): void {
    this.entries = [];
    this.calls.clear();
    this.origin = performance.now();
  }
}
