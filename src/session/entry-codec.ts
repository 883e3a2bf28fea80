// Turning lines into headers and entries and back. Pure: validates the shape of one line at a
// time and says what is wrong; it does not know about files, order between lines or locks
// (seq order and parent links are checked by the reader and by verify).
import {
  type CompactionEntry,
  type SessionEntry,
  type SessionHeader,
  sessionEntryTypes,
  sessionFormatName,
  sessionFormatVersion,
} from "./session-entry.ts";

export type HeaderParse =
  | { readonly ok: true; readonly header: SessionHeader }
  | { readonly ok: false; readonly code: "not_a_session" | "unsupported_version"; readonly problem: string };

export type EntryParse =
  | { readonly ok: true; readonly entry: SessionEntry }
  | { readonly ok: false; readonly problem: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(line: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (error) {
    return {
      ok: false,
      problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** Parses line 1 of a file. `maxVersion` is the newest format this code understands. */
export function parseHeader(line: string, maxVersion: number = sessionFormatVersion): HeaderParse {
  const parsed = parseJson(line);
  if (!parsed.ok) return { ok: false, code: "not_a_session", problem: `line 1 is ${parsed.problem}` };
  const value = parsed.value;
  if (!isObject(value) || value.type !== "session") {
    return { ok: false, code: "not_a_session", problem: "line 1 is not a session header" };
  }
  if (value.format !== sessionFormatName) {
    if (typeof value.version === "number" && value.format === undefined) {
      return {
        ok: false,
        code: "not_a_session",
        problem: `this looks like a pi/OpenClaw transcript (version ${value.version}), not a Baton session; bring it over with \`baton sessions import FILE\``,
      };
    }
    return {
      ok: false,
      code: "not_a_session",
      problem: `line 1 has format ${JSON.stringify(value.format)}, expected "${sessionFormatName}"`,
    };
  }
  const version = value.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return { ok: false, code: "not_a_session", problem: "the header's version is not a positive integer" };
  }
  if (version > maxVersion) {
    return {
      ok: false,
      code: "unsupported_version",
      problem: `the session was written in format version ${version}, newer than this Baton understands (${maxVersion}); upgrade Baton to open it`,
    };
  }
  if (typeof value.id !== "string" || value.id.length === 0) {
    return { ok: false, code: "not_a_session", problem: "the header has no session id" };
  }
  if (typeof value.generation !== "number" || !Number.isInteger(value.generation) || value.generation < 0) {
    return {
      ok: false,
      code: "not_a_session",
      problem: "the header's generation is not a non-negative integer",
    };
  }
  const archive = value.archive;
  if (!isObject(archive) || !isCount(archive.bytes) || !isCount(archive.throughSeq)) {
    return {
      ok: false,
      code: "not_a_session",
      problem: "the header's archive state is missing or malformed",
    };
  }
  if (typeof value.createdAt !== "string") {
    return { ok: false, code: "not_a_session", problem: "the header has no createdAt" };
  }
  return { ok: true, header: value as unknown as SessionHeader };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function optionalString(entry: Json, key: string): string | undefined {
  const value = entry[key];
  if (value === undefined || typeof value === "string") return undefined;
  return `${key} must be a string`;
}

function messageProblem(message: unknown): string | undefined {
  if (!isObject(message)) return "message must be an object";
  switch (message.role) {
    case "system":
    case "user":
      return typeof message.content === "string"
        ? undefined
        : `a ${message.role} message's content must be a string`;
    case "assistant":
      if (!Array.isArray(message.content)) return "an assistant message's content must be an array";
      for (const part of message.content) {
        if (!isObject(part) || typeof part.type !== "string") return "an assistant content part has no type";
      }
      return undefined;
    case "tool":
      if (typeof message.toolCallId !== "string") return "a tool message needs toolCallId";
      if (typeof message.toolName !== "string") return "a tool message needs toolName";
      return typeof message.output === "string" ? undefined : "a tool message's output must be a string";
    default:
      return `unknown message role ${JSON.stringify(message.role)}`;
  }
}

function typeProblem(entry: Json): string | undefined {
  switch (entry.type) {
    case "message":
      return (
        messageProblem(entry.message) ??
        optionalString(entry, "provider") ??
        optionalString(entry, "model") ??
        optionalString(entry, "credentialId") ??
        optionalString(entry, "finishReason")
      );
    case "turn":
      if (typeof entry.turnId !== "string" || entry.turnId.length === 0) return "a turn entry needs turnId";
      if (entry.phase !== "start" && entry.phase !== "end")
        return "a turn entry's phase must be start or end";
      return optionalString(entry, "outcome");
    case "compaction": {
      if (typeof entry.summary !== "string") return "a compaction entry needs a summary";
      const keptId = entry.firstKeptId;
      const keptSeq = entry.firstKeptSeq;
      if (keptId !== null && typeof keptId !== "string") return "firstKeptId must be a string or null";
      if (keptSeq !== null && !isCount(keptSeq)) return "firstKeptSeq must be a count or null";
      if ((keptId === null) !== (keptSeq === null))
        return "firstKeptId and firstKeptSeq must both be set or both null";
      const covers = entry.covers;
      if (
        !isObject(covers) ||
        !isCount(covers.fromSeq) ||
        !isCount(covers.throughSeq) ||
        !isCount(covers.entries)
      ) {
        return "a compaction entry needs covers {fromSeq, throughSeq, entries}";
      }
      return undefined;
    }
    case "note":
      return typeof entry.text === "string" ? optionalString(entry, "author") : "a note needs text";
    default:
      return `unknown entry type ${JSON.stringify(entry.type)}`;
  }
}

/** Checks the shape of an already-parsed value as an entry. */
export function entryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "an entry must be a JSON object";
  if (typeof value.seq !== "number" || !Number.isInteger(value.seq) || value.seq < 1) {
    return "seq must be a positive integer";
  }
  if (typeof value.id !== "string" || value.id.length === 0) return "id must be a non-empty string";
  if (value.parentId !== null && (typeof value.parentId !== "string" || value.parentId.length === 0)) {
    return "parentId must be a non-empty string or null";
  }
  if (typeof value.timestamp !== "string") return "timestamp must be a string";
  if (!sessionEntryTypes.includes(value.type as SessionEntry["type"])) {
    return `unknown entry type ${JSON.stringify(value.type)}`;
  }
  return optionalString(value, "turnId") ?? typeProblem(value);
}

/** Parses one entry line (without its newline). */
export function parseEntry(line: string): EntryParse {
  const parsed = parseJson(line);
  if (!parsed.ok) return { ok: false, problem: parsed.problem };
  const problem = entryProblem(parsed.value);
  if (problem !== undefined) return { ok: false, problem };
  return { ok: true, entry: parsed.value as SessionEntry };
}

/** One entry as one complete line: `seq`, `id`, `parentId`, `type`, `timestamp` first. */
export function encodeEntry(entry: SessionEntry): string {
  const { seq, id, parentId, type, timestamp, ...rest } = entry;
  return `${JSON.stringify({ seq, id, parentId, type, timestamp, ...rest })}\n`;
}

export function encodeHeader(header: SessionHeader): string {
  const { type, format, version, id, createdAt, generation, archive, ...rest } = header;
  return `${JSON.stringify({ type, format, version, id, createdAt, generation, archive, ...rest })}\n`;
}

export function isCompaction(entry: SessionEntry): entry is CompactionEntry {
  return entry.type === "compaction";
}
