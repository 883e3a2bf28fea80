// The default session store: one JSONL transcript per session in a folder (0700), files 0600,
// next to each transcript its archive, quarantine, lock, lease and fenced side files. Composes
// the handle (jsonl-session.ts), verify, repair and import; validates options and ids.
//
// Does not protect against: several hosts sharing the folder over a network file system without
// atomic link/rename, or other programs writing the files (see docs/session-format.md).
import { readdir, readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { defaultLockTiming, type LockTiming } from "./append-lock.ts";
import { createFileExclusive, ensureFolder, isNotFound, openForRead, writeAll } from "./durable-fs.ts";
import { encodeEntry, encodeHeader } from "./entry-codec.ts";
import { readFirstLine } from "./file-lines.ts";
import { JsonlSession, type JsonlSessionOptions } from "./jsonl-session.ts";
import { contextMessages } from "./live-context.ts";
import { convertPiTranscript, piFormatName } from "./pi-import.ts";
import { quarantine } from "./quarantine.ts";
import { repairSession } from "./repair-session.ts";
import {
  type Durability,
  durabilities,
  type NoteDraft,
  type SessionHeader,
  sessionFormatName,
  sessionFormatVersion,
} from "./session-entry.ts";
import { SessionError } from "./session-errors.ts";
import { newSessionId, sessionIdProblem } from "./session-id.ts";
import { type SessionPaths, sessionIdOfFileName, sessionPaths } from "./session-paths.ts";
import type {
  AppendResult,
  CompactOptions,
  CompactResult,
  ImportResult,
  OpenOptions,
  RepairReport,
  SessionStore,
  SessionSummary,
  Summariser,
  VerifyReport,
} from "./session-store.ts";
import { verifySession } from "./verify-session.ts";

export interface JsonlSessionStoreOptions {
  /** The sessions folder; created 0700 when missing. */
  readonly dir: string;
  /** When appends are fsynced: every append (default), at turn end, or never. */
  readonly durability?: Durability;
  /** Append lock: heartbeat age that makes a lock stale (default 10 s). */
  readonly lockStaleMs?: number;
  /** Append lock: longest wait before `lock_timeout` (default 60 s). */
  readonly lockTimeoutMs?: number;
  /** Turn lease: heartbeat age after which another turn may take over (default 30 s). */
  readonly leaseTimeoutMs?: number;
  /** Turn lease: how often the holder refreshes it (default a quarter of the timeout). */
  readonly leaseHeartbeatMs?: number;
  /** Turn lease: how often a waiting turn looks again (default 200 ms). */
  readonly leasePollMs?: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `JsonlSessionStore: option ${name} must be a positive number of milliseconds (got ${String(value)})`,
    );
  }
  return value;
}

function resolveOptions(options: JsonlSessionStoreOptions): JsonlSessionOptions {
  if (typeof options.dir !== "string" || options.dir.length === 0) {
    throw new TypeError("JsonlSessionStore: option dir must be a non-empty path");
  }
  const durability = options.durability ?? "always";
  if (!durabilities.includes(durability)) {
    throw new TypeError(
      `JsonlSessionStore: option durability must be one of ${durabilities.join(", ")} (got ${String(durability)})`,
    );
  }
  const staleMs = positive("lockStaleMs", options.lockStaleMs, defaultLockTiming.staleMs);
  const lock: LockTiming = {
    staleMs,
    heartbeatMs: Math.max(1, Math.min(defaultLockTiming.heartbeatMs, staleMs / 4)),
    timeoutMs: positive("lockTimeoutMs", options.lockTimeoutMs, defaultLockTiming.timeoutMs),
  };
  const leaseTimeoutMs = positive("leaseTimeoutMs", options.leaseTimeoutMs, 30_000);
  return {
    durability,
    lock,
    leaseTimeoutMs,
    leaseHeartbeatMs: positive("leaseHeartbeatMs", options.leaseHeartbeatMs, leaseTimeoutMs / 4),
    leasePollMs: positive("leasePollMs", options.leasePollMs, 200),
  };
}

/**
 * Sessions as JSONL files in one folder.
 *
 * @example
 * const store = new JsonlSessionStore({ dir: ".baton/sessions" });
 * const session = await store.open("support-42", { create: true });
 * const turn = await session.beginTurn();
 * await turn.append([{ type: "message", message: { role: "user", content: "hi" } }]);
 * await turn.end("completed");
 */
export class JsonlSessionStore implements SessionStore {
  readonly dir: string;
  readonly options: JsonlSessionOptions;

  constructor(options: JsonlSessionStoreOptions) {
    this.options = resolveOptions(options);
    this.dir = options.dir;
  }

  paths(id: string): SessionPaths {
    return sessionPaths(this.dir, id);
  }

  private async createFile(
    paths: SessionPaths,
    header: SessionHeader,
    body: readonly string[] = [],
  ): Promise<boolean> {
    await ensureFolder(this.dir);
    return createFileExclusive(paths.file, paths.tempPrefix, async (handle) => {
      await writeAll(handle, Buffer.from([encodeHeader(header), ...body].join("")));
    });
  }

  private newHeader(id: string, extra: Partial<SessionHeader> = {}): SessionHeader {
    return {
      type: "session",
      format: sessionFormatName,
      version: sessionFormatVersion,
      id,
      createdAt: new Date().toISOString(),
      generation: 0,
      archive: { bytes: 0, throughSeq: 0 },
      ...extra,
    };
  }

  async create(id: string = newSessionId()): Promise<JsonlSession> {
    const paths = this.paths(id);
    if (!(await this.createFile(paths, this.newHeader(id)))) {
      throw new SessionError("session_exists", `session ${id} already exists (${paths.file})`, {
        file: paths.file,
      });
    }
    return JsonlSession.open(paths, this.options);
  }

  async open(id: string, options: OpenOptions = {}): Promise<JsonlSession> {
    const paths = this.paths(id);
    try {
      return await JsonlSession.open(paths, this.options);
    } catch (error) {
      if (options.create !== true || !SessionError.isInstance(error) || error.code !== "session_not_found")
        throw error;
    }
    await this.createFile(paths, this.newHeader(id));
    return JsonlSession.open(paths, this.options);
  }

  async list(): Promise<SessionSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const summaries: SessionSummary[] = [];
    for (const name of names.sort()) {
      const id = sessionIdOfFileName(name);
      if (id === undefined || sessionIdProblem(id) !== undefined) continue;
      const paths = this.paths(id);
      const info = await stat(paths.file).catch(() => undefined);
      if (info === undefined || !info.isFile()) continue;
      const base = { id, file: paths.file, bytes: info.size, modifiedAt: info.mtime.toISOString() };
      summaries.push({ ...base, ...(await headerSummary(paths, info.size)) });
    }
    return summaries;
  }

  async appendNote(id: string, note: Omit<NoteDraft, "type">): Promise<AppendResult> {
    const session = await this.open(id);
    try {
      return await session.append([{ ...note, type: "note" }]);
    } finally {
      await session.close();
    }
  }

  async compact(id: string, summarise: Summariser, options: CompactOptions = {}): Promise<CompactResult> {
    const session = await this.open(id);
    try {
      return await session.compact(summarise, options);
    } finally {
      await session.close();
    }
  }

  async verify(id: string): Promise<VerifyReport> {
    return verifySession(this.paths(id));
  }

  async repair(id: string): Promise<RepairReport> {
    return repairSession(this.paths(id), this.options.lock);
  }

  async importTranscript(file: string, options: { id?: string } = {}): Promise<ImportResult> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if (isNotFound(error)) throw new SessionError("import_failed", `${file} not found`, { file });
      throw error;
    }
    const converted = convertPiTranscript(text, file);
    const sourceId = typeof converted.header.id === "string" ? converted.header.id : undefined;
    const id =
      options.id ??
      (sourceId !== undefined && sessionIdProblem(sourceId) === undefined ? sourceId : newSessionId());
    const paths = this.paths(id);
    const header = this.newHeader(id, {
      importedFrom: {
        format: `${piFormatName}-v${converted.version}`,
        ...(sourceId === undefined ? {} : { sessionId: sourceId }),
        file: basename(file),
        header: converted.header,
      },
    });
    if (!(await this.createFile(paths, header, converted.entries.map(encodeEntry)))) {
      throw new SessionError(
        "session_exists",
        `session ${id} already exists (${paths.file}); pass --id to import under another id`,
        {
          file: paths.file,
        },
      );
    }
    if (converted.torn !== undefined) {
      await quarantine(paths, [
        {
          file: "import",
          generation: 0,
          offset: converted.torn.offset,
          line: converted.torn.line,
          reason: `torn last line of ${file}`,
          bytes: converted.torn.bytes,
        },
      ]);
    }
    const session = await JsonlSession.open(paths, this.options);
    const pathMessages = contextMessages(session.context()).length;
    await session.close();
    return {
      sessionId: id,
      file: paths.file,
      entries: converted.entries.length,
      sourceFormat: `${piFormatName}-v${converted.version}`,
      pathMessages,
      warnings: converted.warnings,
    };
  }
}

async function headerSummary(
  paths: SessionPaths,
  size: number,
): Promise<{ generation?: number; createdAt?: string; problem?: string }> {
  try {
    const handle = await openForRead(paths.file);
    try {
      const first = await readFirstLine(handle, size, 64 * 1024);
      const header = JSON.parse(first.text) as Partial<SessionHeader>;
      if (header.format !== sessionFormatName) return { problem: "not a Baton session" };
      return {
        ...(typeof header.generation === "number" ? { generation: header.generation } : {}),
        ...(typeof header.createdAt === "string" ? { createdAt: header.createdAt } : {}),
      };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
