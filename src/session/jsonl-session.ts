// One open JSONL session: the handle's view of the file (generation, last seq, byte offset,
// live context) and the optimistic append. Under the append lock an append reads only what
// others wrote since its offset, integrates it, recovers a torn tail, checks the turn's fencing
// token, and writes its entries on top of the current leaf in one write. After a rewrite it
// reloads and rebases. Turn leases live in session-turn.ts, compaction in compact-session.ts.
//
// Does not protect against: writers that bypass the store (hand edits, other tools appending),
// or a frozen append-lock holder resuming after its lock was broken (see append-lock.ts).
import type { FileHandle } from "node:fs/promises";
import { acquireAppendLock, type HeldLock, type LockTiming } from "./append-lock.ts";
import { compactSession } from "./compact-session.ts";
import { isNotFound, openForAppend, writeAll } from "./durable-fs.ts";
import { encodeEntry, entryProblem } from "./entry-codec.ts";
import { readAt } from "./file-lines.ts";
import type { LiveContext, LoadedEntry, SessionContext } from "./live-context.ts";
import { migrateSessionFile } from "./migrations.ts";
import { quarantine } from "./quarantine.ts";
import {
  type CompactionEntry,
  type Durability,
  type EntryDraft,
  type SessionEntry,
  type SessionHeader,
  sessionFormatVersion,
  type TurnEntry,
} from "./session-entry.ts";
import { SessionConflictError, SessionCorruptError, SessionError } from "./session-errors.ts";
import { newEntryId } from "./session-id.ts";
import {
  type LoadedSession,
  loadSession,
  notFound,
  readDelta,
  readHeader,
  type TornTail,
  withReadHandle,
} from "./session-load.ts";
import { repairCommand, type SessionPaths } from "./session-paths.ts";
import type {
  AppendResult,
  BeginTurnOptions,
  CompactOptions,
  CompactResult,
  SessionHandle,
  SessionTurn,
  Summariser,
} from "./session-store.ts";
import { beginTurn } from "./session-turn.ts";
import { writeFencedSideFile } from "./side-file.ts";
import { readLease } from "./turn-lease.ts";

export interface JsonlSessionOptions {
  readonly durability: Durability;
  readonly lock: LockTiming;
  /** A lease whose heartbeat is older than this may be taken over. */
  readonly leaseTimeoutMs: number;
  readonly leaseHeartbeatMs: number;
  /** How often a waiting turn looks at the lease again. */
  readonly leasePollMs: number;
}

type Unassigned<T> = Omit<T, "seq" | "id" | "parentId" | "timestamp"> & { readonly timestamp?: string };

/** Drafts the store writes itself (turn markers, compactions) plus the public ones. */
export type InternalDraft = EntryDraft | Unassigned<TurnEntry> | Unassigned<CompactionEntry>;

export interface LeaseRef {
  readonly turnId: string;
  readonly token: number;
}

export interface SyncOutcome {
  readonly integrated: SessionEntry[];
  readonly rebased: boolean;
  readonly contextChanged: boolean;
}

interface ViewState {
  header: SessionHeader;
  headerEnd: number;
  live: LiveContext;
  /** Offset just after the last line this handle has consumed. */
  end: number;
  /** The latest compaction on the path, to notice when it changes. */
  compactionId: string | null;
}

function viewOf(loaded: LoadedSession): ViewState {
  return {
    header: loaded.header,
    headerEnd: loaded.headerEnd,
    live: loaded.context,
    end: loaded.end,
    compactionId: loaded.context.walk().compaction?.id ?? null,
  };
}

export class JsonlSession implements SessionHandle {
  readonly id: string;
  readonly paths: SessionPaths;
  readonly options: JsonlSessionOptions;
  /** Bytes the last full load read (open costs this, not the file size). */
  lastLoadBytes: number;
  private view: ViewState;
  private queue: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private closed = false;

  private constructor(paths: SessionPaths, options: JsonlSessionOptions, loaded: LoadedSession) {
    this.id = paths.id;
    this.paths = paths;
    this.options = options;
    this.view = viewOf(loaded);
    this.lastLoadBytes = loaded.bytesRead;
  }

  /** Opens an existing session; a torn tail left by a crash is quarantined and truncated. */
  static async open(paths: SessionPaths, options: JsonlSessionOptions): Promise<JsonlSession> {
    let loaded = await withReadHandle(paths, (handle) => loadSession(paths, handle));
    if (loaded.header.version < sessionFormatVersion) {
      await migrateSessionFile(paths, loaded.header.version, options.lock);
      loaded = await withReadHandle(paths, (handle) => loadSession(paths, handle));
    }
    const session = new JsonlSession(paths, options, loaded);
    if (loaded.torn !== undefined)
      await session.serial(() => session.locked((handle) => session.syncLocked(handle)));
    return session;
  }

  get header(): SessionHeader {
    return this.view.header;
  }

  /** The loaded entries with their offsets in the current generation (for compaction). */
  get live(): LiveContext {
    return this.view.live;
  }

  get headerEnd(): number {
    return this.view.headerEnd;
  }

  get end(): number {
    return this.view.end;
  }

  context(): SessionContext {
    const walked = this.view.live.walk();
    const base = {
      sessionId: this.id,
      generation: this.view.header.generation,
      entries: walked.entries,
      leafId: this.view.live.leafId,
      lastSeq: this.view.live.lastSeq,
    };
    return walked.compaction === undefined ? base : { ...base, compaction: walked.compaction };
  }

  /** Runs `operation` after every earlier operation on this handle. */
  serial<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`session ${this.id} is closed`));
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Runs `use` holding the append lock, with the transcript open for reading and appending. */
  async locked<T>(use: (handle: FileHandle, lock: HeldLock) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const lock = await acquireAppendLock(this.paths.lock, this.options.lock, signal);
    try {
      let handle: FileHandle;
      try {
        handle = await openForAppend(this.paths.file);
      } catch (error) {
        if (isNotFound(error)) throw notFound(this.paths);
        throw error;
      }
      try {
        return await use(handle, lock);
      } finally {
        await handle.close();
      }
    } finally {
      await lock.release();
    }
  }

  refresh(): Promise<SessionContext> {
    return this.serial(async () => {
      await withReadHandle(this.paths, async (handle) => {
        const size = (await handle.stat()).size;
        const { header } = await readHeader(this.paths, handle, size);
        if (header.generation !== this.view.header.generation) {
          const loaded = await loadSession(this.paths, handle);
          this.view = viewOf(loaded);
          this.lastLoadBytes = loaded.bytesRead;
          return;
        }
        // Without the lock a trailing fragment may be a write in flight: leave it for later.
        const delta = await readDelta(this.paths, handle, this.view.end, size, this.view.live.lastSeq, (id) =>
          this.view.live.has(id),
        );
        this.integrate(delta.records);
        this.view.end = delta.end;
      });
      return this.context();
    });
  }

  private integrate(records: readonly LoadedEntry[]): boolean {
    let changed = false;
    for (const record of records) {
      this.view.live.add(record);
      if (record.entry.type === "compaction") {
        this.view.compactionId = record.entry.id;
        changed = true;
      }
    }
    return changed;
  }

  /** Brings the view up to the file's current end. Call holding the append lock. */
  async syncLocked(handle: FileHandle): Promise<SyncOutcome> {
    const size = (await handle.stat()).size;
    const { header } = await readHeader(this.paths, handle, size);
    if (header.generation !== this.view.header.generation) {
      const before = this.view;
      const loaded = await loadSession(this.paths, handle);
      this.view = viewOf(loaded);
      this.lastLoadBytes = loaded.bytesRead;
      if (loaded.torn !== undefined) await this.recoverTornTail(handle, loaded.torn);
      const integrated = this.view.live
        .all()
        .filter((record) => record.entry.seq > before.live.lastSeq)
        .map((record) => record.entry);
      return { integrated, rebased: true, contextChanged: this.view.compactionId !== before.compactionId };
    }
    if (size < this.view.end) {
      throw new SessionCorruptError(
        `the transcript shrank from ${this.view.end} to ${size} bytes without a rewrite`,
        {
          file: this.paths.file,
          repairCommand: repairCommand(this.paths),
        },
      );
    }
    const delta = await readDelta(this.paths, handle, this.view.end, size, this.view.live.lastSeq, (id) =>
      this.view.live.has(id),
    );
    const contextChanged = this.integrate(delta.records);
    this.view.end = delta.end;
    if (delta.torn !== undefined) await this.recoverTornTail(handle, delta.torn);
    return { integrated: delta.records.map((record) => record.entry), rebased: false, contextChanged };
  }

  /** Moves a torn tail (a crashed writer's partial line) to the quarantine file and truncates. */
  private async recoverTornTail(handle: FileHandle, torn: TornTail): Promise<void> {
    const size = (await handle.stat()).size;
    const bytes = await readAt(handle, torn.offset, size - torn.offset);
    await quarantine(this.paths, [
      {
        file: "transcript",
        generation: this.view.header.generation,
        offset: torn.offset,
        reason: "torn tail",
        bytes,
      },
    ]);
    await handle.truncate(torn.offset);
    await handle.sync();
    this.view.end = torn.offset;
  }

  /** Turns drafts into entries on top of the current leaf. */
  build(drafts: readonly InternalDraft[], turnId?: string): SessionEntry[] {
    let parentId = this.view.live.leafId;
    let seq = this.view.live.lastSeq;
    const timestamp = new Date().toISOString();
    return drafts.map((draft) => {
      seq += 1;
      const entry = {
        ...draft,
        seq,
        id: newEntryId(),
        parentId,
        timestamp: draft.timestamp ?? timestamp,
        ...(turnId === undefined ? {} : { turnId }),
      } as SessionEntry;
      parentId = entry.id;
      return entry;
    });
  }

  /** Writes entries in one write on top of the current end. Call holding the append lock. */
  async writeEntries(handle: FileHandle, lock: HeldLock, entries: readonly SessionEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const lines = entries.map(encodeEntry);
    const buffer = Buffer.from(lines.join(""));
    if (!(await lock.stillHeld())) {
      throw new SessionError(
        "lock_timeout",
        `the append lock ${this.paths.lock} was broken while this process held it (was it frozen?); nothing was written`,
      );
    }
    await writeAll(handle, buffer);
    if (this.options.durability === "always") await handle.sync();
    else this.dirty = true;
    let offset = this.view.end;
    for (const [index, entry] of entries.entries()) {
      this.view.live.add({ entry, offset });
      offset += Buffer.byteLength(lines[index] as string);
      if (entry.type === "compaction") this.view.compactionId = entry.id;
    }
    this.view.end = offset;
  }

  /** Flushes writes made with durability `turn-end`. */
  async flush(handle?: FileHandle): Promise<void> {
    if (!this.dirty || this.options.durability === "never") return;
    if (handle !== undefined) await handle.sync();
    else await withReadHandle(this.paths, (read) => read.sync());
    this.dirty = false;
  }

  /**
   * The optimistic append: under the lock, integrate others' entries, check the lease, write on
   * top. `afterWrite` runs under the same lock (turn end releases the lease there).
   */
  commit(
    drafts: readonly InternalDraft[],
    lease?: LeaseRef,
    afterWrite?: (handle: FileHandle) => Promise<void>,
  ): Promise<AppendResult> {
    for (const draft of drafts) {
      const problem = entryProblem({
        ...draft,
        seq: 1,
        id: "draft",
        parentId: null,
        timestamp: draft.timestamp ?? "",
      });
      if (problem !== undefined) throw new SessionError("invalid_entry", `cannot append: ${problem}`);
    }
    return this.serial(() =>
      this.locked(async (handle, lock) => {
        const sync = await this.syncLocked(handle);
        if (lease !== undefined) {
          const state = await readLease(this.paths);
          if (state.token !== lease.token) {
            const sideFile = await writeFencedSideFile(this.paths, lease, state, drafts);
            const details = { token: lease.token, currentToken: state.token, turnId: lease.turnId, sideFile };
            throw new SessionConflictError(
              this.id,
              state.holder === null ? details : { ...details, holderPid: state.holder.pid },
            );
          }
        }
        const entries = this.build(drafts, lease?.turnId);
        await this.writeEntries(handle, lock, entries);
        await afterWrite?.(handle);
        return {
          entries,
          integrated: sync.integrated,
          rebased: sync.rebased,
          contextChanged: sync.contextChanged,
          generation: this.view.header.generation,
        };
      }),
    );
  }

  /** Adopts a freshly loaded file (after this handle rewrote it). */
  adopt(loaded: LoadedSession): void {
    this.view = viewOf(loaded);
    this.lastLoadBytes = loaded.bytesRead;
  }

  append(drafts: readonly EntryDraft[]): Promise<AppendResult> {
    return this.commit(drafts);
  }

  beginTurn(options: BeginTurnOptions = {}): Promise<SessionTurn> {
    return beginTurn(this, options);
  }

  compact(summarise: Summariser, options: CompactOptions = {}): Promise<CompactResult> {
    return compactSession(this, summarise, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(() => this.flush());
    this.closed = true;
  }
}
