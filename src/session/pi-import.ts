// Converting a pi / OpenClaw JSONL transcript (header version 1-3, `id`/`parentId` trees) into
// Baton entries. Pure. Every pi entry becomes one Baton entry with the same id and parent, and
// keeps its original line in `source`, so nothing is lost; messages, compactions and the
// entries pi feeds to the model (custom_message, branch_summary) become Baton messages and
// compactions so the conversation path reads the same. Settings and extension state become
// notes. A torn last line is reported (the caller quarantines it); any other bad line fails
// the import with its line number.
import type { AssistantPart, ConversationMessage } from "../providers/conversation.ts";
import type { FinishReason } from "../providers/model-stream.ts";
import type { WireProtocol } from "../providers/wire-protocol.ts";
import { entryProblem } from "./entry-codec.ts";
import type {
  CompactionEntry,
  ImportedSource,
  MessageEntry,
  NoteEntry,
  SessionEntry,
} from "./session-entry.ts";
import { SessionError } from "./session-errors.ts";

export const piFormatName = "pi";
const newestPiVersion = 3;

type Json = Record<string, unknown>;

export interface PiConversion {
  readonly header: Json;
  readonly version: number;
  readonly entries: SessionEntry[];
  readonly warnings: string[];
  /** A torn last line: its 1-based line number, byte offset and bytes. */
  readonly torn?: { readonly line: number; readonly offset: number; readonly bytes: Buffer };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, line: number, problem: string): never {
  throw new SessionError("import_failed", `${file}:${line}: ${problem}`, { file, line });
}

function textOf(content: unknown, warnings: string[], where: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (isObject(part) && part.type === "image") {
      texts.push(`[image${typeof part.mimeType === "string" ? `: ${part.mimeType}` : ""}]`);
      warnings.push(`${where}: an image is kept only in the entry's source (Baton messages carry text)`);
    }
  }
  return texts.join("\n");
}

const apiMap: Readonly<Record<string, WireProtocol>> = {
  "anthropic-messages": "anthropic-messages",
  "openai-completions": "openai-chat",
  "openai-responses": "openai-responses",
  "openai-codex-responses": "openai-responses",
  "azure-openai-responses": "openai-responses",
  "google-generative-ai": "google-gemini",
  "google-gemini-cli": "google-gemini",
  "google-vertex": "google-gemini",
};

const finishMap: Readonly<Record<string, FinishReason>> = {
  stop: "stop",
  length: "length",
  toolUse: "tool-calls",
  error: "other",
  aborted: "other",
};

function assistantParts(content: unknown, warnings: string[], where: string): AssistantPart[] {
  const parts: AssistantPart[] = [];
  if (!Array.isArray(content)) return parts;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (part.type === "text" && typeof part.text === "string") parts.push({ type: "text", text: part.text });
    else if (part.type === "thinking" && typeof part.thinking === "string") {
      const signature = typeof part.thinkingSignature === "string" ? part.thinkingSignature : undefined;
      parts.push(
        signature === undefined
          ? { type: "reasoning", text: part.thinking }
          : { type: "reasoning", text: part.thinking, signature },
      );
    } else if (part.type === "toolCall" && typeof part.id === "string" && typeof part.name === "string") {
      parts.push({
        type: "tool-call",
        toolCallId: part.id,
        toolName: part.name,
        input: part.arguments ?? {},
      });
    } else {
      warnings.push(
        `${where}: assistant content of type ${JSON.stringify(part.type)} is kept only in the entry's source`,
      );
    }
  }
  return parts;
}

type MessageFields = Omit<MessageEntry, "seq" | "id" | "parentId" | "timestamp" | "type">;

/** A pi AgentMessage as Baton message fields, or undefined when it does not go to the model. */
function convertMessage(message: Json, warnings: string[], where: string): MessageFields | undefined {
  const user = (content: string): MessageFields => ({ message: { role: "user", content } });
  switch (message.role) {
    case "user":
      return user(textOf(message.content, warnings, where));
    case "assistant": {
      const api = typeof message.api === "string" ? apiMap[message.api] : undefined;
      const provider = typeof message.provider === "string" ? message.provider : undefined;
      const model = typeof message.model === "string" ? message.model : undefined;
      const converted: ConversationMessage =
        api !== undefined && provider !== undefined && model !== undefined
          ? {
              role: "assistant",
              content: assistantParts(message.content, warnings, where),
              origin: { provider, api, model },
            }
          : { role: "assistant", content: assistantParts(message.content, warnings, where) };
      const usage = isObject(message.usage) ? message.usage : undefined;
      const finish = typeof message.stopReason === "string" ? finishMap[message.stopReason] : undefined;
      return {
        message: converted,
        ...(provider === undefined ? {} : { provider }),
        ...(model === undefined ? {} : { model }),
        ...(usage === undefined
          ? {}
          : { usage: { inputTokens: Number(usage.input ?? 0), outputTokens: Number(usage.output ?? 0) } }),
        ...(finish === undefined ? {} : { finishReason: finish }),
      };
    }
    case "toolResult":
      return {
        message: {
          role: "tool",
          toolCallId: String(message.toolCallId ?? ""),
          toolName: String(message.toolName ?? ""),
          output: textOf(message.content, warnings, where),
          ...(message.isError === true ? { isError: true } : {}),
        },
      };
    case "bashExecution":
      if (message.excludeFromContext === true) return undefined;
      return user(`Ran \`${String(message.command ?? "")}\`\n${String(message.output ?? "")}`);
    case "custom":
    case "hookMessage":
      return user(textOf(message.content, warnings, where));
    case "branchSummary":
    case "compactionSummary":
      return user(String(message.summary ?? ""));
    default:
      return undefined;
  }
}

interface Base {
  readonly seq: number;
  readonly id: string;
  readonly parentId: string | null;
  readonly timestamp: string;
  readonly source: ImportedSource;
}

function note(base: Base, kind: string, text: string, data?: unknown): NoteEntry {
  return { ...base, type: "note", kind, text, ...(data === undefined ? {} : { data }) };
}

function convertEntry(raw: Json, base: Base, warnings: string[], where: string): SessionEntry {
  switch (raw.type) {
    case "message": {
      const message = isObject(raw.message) ? raw.message : {};
      const fields = convertMessage(message, warnings, where);
      if (fields === undefined) {
        return note(
          base,
          `message:${String(message.role)}`,
          `pi message (${String(message.role)}) not sent to the model`,
        );
      }
      return { ...base, type: "message", ...fields };
    }
    case "custom_message":
      return {
        ...base,
        type: "message",
        message: { role: "user", content: textOf(raw.content, warnings, where) },
      };
    case "branch_summary":
      return { ...base, type: "message", message: { role: "user", content: String(raw.summary ?? "") } };
    case "custom":
      return note(base, "custom", String(raw.customType ?? "custom"), raw.data);
    case "model_change":
      return note(base, "model_change", `model ${String(raw.provider ?? "?")}/${String(raw.modelId ?? "?")}`);
    case "thinking_level_change":
      return note(base, "thinking_level_change", `thinking level ${String(raw.thinkingLevel ?? "?")}`);
    case "label":
      return note(
        base,
        "label",
        `label ${JSON.stringify(raw.label ?? null)} on ${String(raw.targetId ?? "?")}`,
      );
    case "session_info":
      return note(base, "session_info", `session name ${JSON.stringify(raw.name ?? null)}`);
    default:
      warnings.push(`${where}: unknown pi entry type ${JSON.stringify(raw.type)} imported as a note`);
      return note(base, String(raw.type), `pi entry of type ${String(raw.type)}`);
  }
}

/** Fills in a compaction's kept entry and coverage from the tree (pi: summary + firstKeptEntryId). */
function convertCompaction(
  raw: Json,
  base: Base,
  byId: Map<string, SessionEntry>,
  warnings: string[],
  where: string,
): CompactionEntry {
  const keptId = typeof raw.firstKeptEntryId === "string" ? raw.firstKeptEntryId : null;
  const kept = keptId === null ? undefined : byId.get(keptId);
  if (keptId !== null && kept === undefined)
    warnings.push(
      `${where}: firstKeptEntryId ${keptId} is not an earlier entry; the summary replaces everything before it`,
    );
  const ancestors: SessionEntry[] = [];
  for (let id = base.parentId; id !== null; ) {
    const entry = byId.get(id);
    if (entry === undefined) break;
    ancestors.push(entry);
    id = entry.parentId;
  }
  ancestors.reverse();
  const keptIndex = kept === undefined ? ancestors.length : Math.max(0, ancestors.indexOf(kept));
  let start = 0;
  for (let index = keptIndex - 1; index >= 0; index -= 1) {
    const previous = ancestors[index];
    if (previous?.type === "compaction") {
      const previousKept =
        previous.firstKeptId === null
          ? index + 1
          : ancestors.findIndex((entry) => entry.id === previous.firstKeptId);
      start = previousKept < 0 ? index + 1 : previousKept;
      break;
    }
  }
  const covered = ancestors.slice(start, keptIndex).filter((entry) => entry.type !== "compaction");
  const tokensBefore = typeof raw.tokensBefore === "number" ? raw.tokensBefore : undefined;
  return {
    ...base,
    type: "compaction",
    summary: String(raw.summary ?? ""),
    firstKeptId: kept?.id ?? null,
    firstKeptSeq: kept?.seq ?? null,
    covers: {
      fromSeq: covered[0]?.seq ?? 0,
      throughSeq: covered.at(-1)?.seq ?? 0,
      entries: covered.length,
      ...(tokensBefore === undefined ? {} : { tokensBefore }),
    },
    rewrite: false,
  };
}

/** Converts the text of a pi JSONL file. `file` names it in errors. */
export function convertPiTranscript(
  text: string,
  file: string,
  now: () => string = () => new Date().toISOString(),
): PiConversion {
  const lines = text.split("\n");
  const last = lines.pop() ?? "";
  const warnings: string[] = [];
  let torn: PiConversion["torn"];
  if (last.length > 0) {
    try {
      JSON.parse(last);
      lines.push(last);
    } catch {
      const offset = Buffer.byteLength(text) - Buffer.byteLength(last);
      torn = { line: lines.length + 1, offset, bytes: Buffer.from(last) };
      warnings.push(
        `${file}:${lines.length + 1}: the last line is incomplete (${Buffer.byteLength(last)} bytes); moved to the quarantine file`,
      );
    }
  }
  if (lines.length === 0) fail(file, 1, "the file is empty, not a pi/OpenClaw transcript");
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? "");
  } catch {
    fail(file, 1, "line 1 is not JSON; not a pi/OpenClaw transcript");
  }
  if (!isObject(header) || header.type !== "session")
    fail(file, 1, "line 1 is not a pi/OpenClaw session header");
  if (header.format !== undefined)
    fail(file, 1, `this is already a ${String(header.format)} file, not a pi/OpenClaw transcript`);
  const version = header.version === undefined ? 1 : Number(header.version);
  if (!Number.isInteger(version) || version < 1)
    fail(file, 1, `unknown pi session version ${JSON.stringify(header.version)}`);
  if (version > newestPiVersion)
    fail(
      file,
      1,
      `pi session version ${version} is newer than this importer understands (${newestPiVersion})`,
    );
  const byId = new Map<string, SessionEntry>();
  const entries: SessionEntry[] = [];
  let previousId: string | null = null;
  for (const [index, line] of lines.entries()) {
    if (index === 0) continue;
    const lineNumber = index + 1;
    const where = `${file}:${lineNumber}`;
    if (line.trim().length === 0) fail(file, lineNumber, "blank line in the middle of the transcript");
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      fail(file, lineNumber, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isObject(raw) || typeof raw.type !== "string")
      fail(file, lineNumber, "an entry must be an object with a type");
    if (raw.type === "message" && !isObject(raw.message))
      fail(file, lineNumber, "a message entry without a message");
    const id = version === 1 && typeof raw.id !== "string" ? `pi-${lineNumber}` : raw.id;
    if (typeof id !== "string" || id.length === 0) fail(file, lineNumber, "entry without an id");
    if (byId.has(id)) fail(file, lineNumber, `entry id ${id} appears twice`);
    const parentId = version === 1 && raw.parentId === undefined ? previousId : (raw.parentId ?? null);
    if (parentId !== null && (typeof parentId !== "string" || !byId.has(parentId))) {
      fail(
        file,
        lineNumber,
        `entry ${id} names parent ${JSON.stringify(parentId)}, which is not an earlier entry`,
      );
    }
    const base: Base = {
      seq: entries.length + 1,
      id,
      parentId,
      timestamp:
        typeof raw.timestamp === "string"
          ? raw.timestamp
          : typeof header.timestamp === "string"
            ? header.timestamp
            : now(),
      source: { format: piFormatName, id, entry: raw },
    };
    const entry =
      raw.type === "compaction"
        ? convertCompaction(raw, base, byId, warnings, where)
        : convertEntry(raw, base, warnings, where);
    const problem = entryProblem(entry);
    if (problem !== undefined) fail(file, lineNumber, `cannot convert: ${problem}`);
    entries.push(entry);
    byId.set(id, entry);
    previousId = id;
  }
  return torn === undefined
    ? { header, version, entries, warnings }
    : { header, version, entries, warnings, torn };
}
