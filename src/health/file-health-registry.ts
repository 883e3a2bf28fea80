// A health registry kept in a small JSON file, shared by the processes of one host. Reads are
// cheap (a stat, and a re-read only when the file changed); recorded events are visible to this
// process at once and written behind, in order: under the file lock, the current file is read,
// the events are applied to it through health-state.ts (so a cooldown written by another
// process is never shortened or lost), stale entries are pruned, and the file is replaced
// atomically (temp file, fsync, rename, fsync folder).
//
// Does not protect against: several hosts sharing the file over a network file system (use a
// shared store behind the same interface), or a state file edited by hand while Baton runs.
import { readFileSync, renameSync, statSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { failureReasons } from "../failover/failure.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { type FileLockOptions, withFileLock } from "./file-lock.ts";
import { type HealthKey, healthKeyId } from "./health-key.ts";
import type { InspectableHealthRegistry } from "./health-registry.ts";
import {
  applyHealthEvents,
  canClaimProbe,
  type HealthEvent,
  type HealthSnapshot,
  isStale,
  type KeyHealth,
} from "./health-state.ts";

export const healthFileVersion = 1;

export interface FileHealthRegistryOptions {
  /** The state file, e.g. `~/.baton/health.json`. Its folder is created (0700) when missing. */
  readonly path: string;
  /** Entries with nothing newer than this are dropped on the next write. Default 7 days. */
  readonly retainMs?: number;
  readonly lock?: FileLockOptions;
  /** Told when a damaged or unreadable state file is set aside or ignored. */
  readonly onWarning?: (message: string) => void;
}

class StateFileError extends Error {
  override readonly name = "StateFileError";
}

const reasons = new Set<string>(failureReasons);

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function parseEntry(value: unknown): KeyHealth | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { until, strikes, failures, updatedAt, breaker, reason, lastFailureAt, probe } = record;
  if (!isNumber(until) || !isNumber(strikes) || !isNumber(failures) || !isNumber(updatedAt)) return undefined;
  if (breaker !== "open" && breaker !== "closed") return undefined;
  let entry: KeyHealth = { until, strikes, failures, breaker, updatedAt };
  if (typeof reason === "string" && reasons.has(reason))
    entry = { ...entry, reason: reason as KeyHealth["reason"] };
  if (isNumber(lastFailureAt)) entry = { ...entry, lastFailureAt };
  if (typeof probe === "object" && probe !== null) {
    const lease = probe as Record<string, unknown>;
    if (typeof lease.owner === "string" && isNumber(lease.until)) {
      entry = { ...entry, probe: { owner: lease.owner, until: lease.until } };
    }
  }
  return entry;
}

/** Parses the state file's text; throws StateFileError when it is not a state file this version reads. */
export function parseHealthFile(text: string, path: string): HealthSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StateFileError(`health state file ${path} is not valid JSON`);
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  if (record.version !== healthFileVersion) {
    throw new StateFileError(
      `health state file ${path} has version ${String(record.version)}; this Baton reads version ${healthFileVersion}`,
    );
  }
  const entries = new Map<string, KeyHealth>();
  const raw = (typeof record.entries === "object" && record.entries !== null ? record.entries : {}) as Record<
    string,
    unknown
  >;
  for (const [id, value] of Object.entries(raw)) {
    const entry = parseEntry(value);
    if (entry === undefined)
      throw new StateFileError(`health state file ${path} has a malformed entry ${id}`);
    entries.set(id, entry);
  }
  return entries;
}

function serialize(snapshot: HealthSnapshot): string {
  const entries: Record<string, KeyHealth> = {};
  for (const [id, entry] of [...snapshot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    entries[id] = entry;
  return `${JSON.stringify({ version: healthFileVersion, entries }, null, 1)}\n`;
}

function prune(snapshot: HealthSnapshot, now: number, retainMs: number): HealthSnapshot {
  const kept = new Map<string, KeyHealth>();
  for (const [id, entry] of snapshot) if (!isStale(entry, now, retainMs)) kept.set(id, entry);
  return kept;
}

const empty: HealthSnapshot = new Map();

export class FileHealthRegistry implements InspectableHealthRegistry {
  readonly path: string;
  readonly #retainMs: number;
  readonly #lock: FileLockOptions;
  readonly #warn: (message: string) => void;
  #persisted: HealthSnapshot = empty;
  #stamp = "";
  #pending: HealthEvent[] = [];
  #view: HealthSnapshot | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #warned = "";
  /** True while this instance holds the lock and replaces the file: it adopts the result itself. */
  #writing = false;

  constructor(options: FileHealthRegistryOptions) {
    if (typeof options.path !== "string" || options.path === "") {
      throw new TypeError("FileHealthRegistry: options.path must be a non-empty file path");
    }
    this.path = options.path;
    this.#retainMs = options.retainMs ?? 7 * 86_400_000;
    this.#lock = options.lock ?? {};
    this.#warn = options.onWarning ?? (() => {});
  }

  read(_keys: readonly HealthKey[]): Promise<HealthSnapshot> {
    this.#refresh();
    return Promise.resolve(this.#current());
  }

  record(events: readonly HealthEvent[]): Promise<HealthSnapshot> {
    this.#refresh();
    const view = this.#current();
    const applied = applyHealthEvents(view, events);
    if (applied.snapshot === view) return Promise.resolve(view);
    this.#pending.push(...events);
    this.#view = applied.snapshot;
    // After the flush, the view is the file as merged under the lock (plus anything newer).
    return this.#enqueue(() => this.#flush()).then(() => this.#current());
  }

  claimProbe(key: HealthKey, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return this.#enqueue(() =>
      this.#update(now, (onDisk) => {
        if (!canClaimProbe(onDisk.get(healthKeyId(key)), owner, now)) return undefined;
        return [{ type: "probe-claimed", key, at: now, owner, until: now + leaseMs }];
      }),
    );
  }

  entries(): Promise<HealthSnapshot> {
    return this.read([]);
  }

  /** Resolves once every event recorded so far is in the file. */
  flushed(): Promise<void> {
    return this.#enqueue(() => this.#flush());
  }

  #current(): HealthSnapshot {
    this.#view ??= applyHealthEvents(this.#persisted, this.#pending).snapshot;
    return this.#view;
  }

  /** Re-reads the file when it changed since we last saw it. Never throws: a bad file reads as empty. */
  #refresh(): void {
    if (this.#writing) return;
    let stamp: string;
    try {
      // A missing file is the common idle case: no exception built for it on every read.
      const info = statSync(this.path, { bigint: true, throwIfNoEntry: false });
      stamp = info === undefined ? "missing" : `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch {
      stamp = "missing";
    }
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    this.#view = undefined;
    if (stamp === "missing") {
      this.#persisted = empty;
      return;
    }
    try {
      this.#persisted = parseHealthFile(readFileSync(this.path, "utf8"), this.path);
    } catch (error) {
      this.#persisted = empty;
      if (this.#warned !== stamp) this.#warn(`${(error as Error).message}; reading it as empty`);
      this.#warned = stamp;
    }
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending.slice();
    const now = Math.max(...batch.map((event) => event.at));
    await this.#update(
      now,
      () => batch,
      () => this.#pending.splice(0, batch.length),
    );
  }

  /**
   * Under the lock: reads the file, applies the events `plan` returns (undefined: no write),
   * writes it, then runs `written` in the same synchronous step that adopts the new content.
   */
  async #update(
    now: number,
    plan: (onDisk: HealthSnapshot) => readonly HealthEvent[] | undefined,
    written: () => void = () => {},
  ): Promise<boolean> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return withFileLock(
      this.path,
      async () => {
        const onDisk = await this.#load();
        const events = plan(onDisk);
        if (events === undefined) return false;
        const next = prune(applyHealthEvents(onDisk, events).snapshot, now, this.#retainMs);
        this.#writing = true;
        try {
          await writeFileAtomic(this.path, serialize(next));
          const info = await stat(this.path, { bigint: true });
          this.#persisted = next;
          this.#stamp = `${info.ino}:${info.size}:${info.mtimeNs}`;
          this.#view = undefined;
          written();
        } finally {
          this.#writing = false;
        }
        return true;
      },
      this.#lock,
    );
  }

  /** Reads the file under the lock. A damaged file is set aside (kept, renamed) and replaced. */
  async #load(): Promise<HealthSnapshot> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return empty;
      throw error;
    }
    try {
      return parseHealthFile(text, this.path);
    } catch (error) {
      if (error instanceof StateFileError && !/has version/.test(error.message)) {
        const aside = `${this.path}.damaged-${Date.now()}`;
        renameSync(this.path, aside);
        this.#warn(`${error.message}; moved it to ${aside} and started a new one`);
        return empty;
      }
      throw error;
    }
  }
}
