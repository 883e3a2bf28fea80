import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConversationMessage } from "../providers/conversation.ts";
import { contextMessages, LiveContext } from "./live-context.ts";
import { convertPiTranscript } from "./pi-import.ts";
import { SessionError } from "./session-errors.ts";

const fixture = new URL("../../test/session/fixtures/pi-session-v3.jsonl", import.meta.url);
const text = readFileSync(fixture, "utf8");
type Raw = Record<string, unknown> & { id: string; parentId: string | null; type: string };
const raw = text
  .trimEnd()
  .split("\n")
  .map((line) => JSON.parse(line) as Raw);

interface Said {
  readonly role: string;
  readonly text: string;
  readonly calls?: string[];
}

function piText(content: unknown): string {
  if (typeof content === "string") return content;
  return (content as { type: string; text?: string; mimeType?: string }[])
    .map((part) => (part.type === "text" ? part.text : `[image: ${part.mimeType}]`))
    .join("\n");
}

/** pi's own rule, written from its documentation: leaf's path, latest compaction's summary, kept part, rest. */
function piContext(entries: readonly Raw[]): Said[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const path: Raw[] = [];
  for (
    let entry = entries.at(-1);
    entry !== undefined;
    entry = entry.parentId === null ? undefined : byId.get(entry.parentId)
  ) {
    path.unshift(entry);
  }
  const compactionAt = path.findLastIndex((entry) => entry.type === "compaction");
  const said: Said[] = [];
  let visible = path;
  if (compactionAt >= 0) {
    const compaction = path[compactionAt] as Raw;
    said.push({ role: "summary", text: String(compaction.summary) });
    const keptAt = path.findIndex((entry) => entry.id === compaction.firstKeptEntryId);
    visible = [...path.slice(keptAt, compactionAt), ...path.slice(compactionAt + 1)];
  }
  for (const entry of visible) {
    if (entry.type === "custom_message") said.push({ role: "user", text: piText(entry.content) });
    if (entry.type === "branch_summary") said.push({ role: "user", text: String(entry.summary) });
    if (entry.type !== "message") continue;
    const message = entry.message as Record<string, unknown>;
    if (message.role === "user") said.push({ role: "user", text: piText(message.content) });
    if (message.role === "toolResult") said.push({ role: "tool", text: piText(message.content) });
    if (message.role === "assistant") {
      const parts = message.content as { type: string; text?: string; name?: string }[];
      said.push({
        role: "assistant",
        text: parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""),
        calls: parts.flatMap((part) => (part.type === "toolCall" ? [part.name as string] : [])),
      });
    }
  }
  return said;
}

function batonSaid(messages: readonly ConversationMessage[], summaryPrefix: string): Said[] {
  return messages.map((message) => {
    switch (message.role) {
      case "user":
        return message.content.startsWith(summaryPrefix)
          ? { role: "summary", text: message.content.slice(summaryPrefix.length) }
          : { role: "user", text: message.content };
      case "assistant":
        return {
          role: "assistant",
          text: message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""),
          calls: message.content.flatMap((part) => (part.type === "tool-call" ? [part.toolName] : [])),
        };
      case "tool":
        return { role: "tool", text: message.output };
      default:
        return { role: message.role, text: message.content };
    }
  });
}

describe("importing a pi / OpenClaw transcript", () => {
  const converted = convertPiTranscript(text, "pi-session-v3.jsonl");

  it("keeps every entry, its id, its parent and its original line", () => {
    expect(converted.version).toBe(3);
    expect(converted.entries).toHaveLength(raw.length - 1);
    for (const [index, entry] of converted.entries.entries()) {
      const original = raw[index + 1] as Raw;
      expect(entry.seq).toBe(index + 1);
      expect(entry.id).toBe(original.id);
      expect(entry.parentId).toBe(original.parentId);
      expect(entry.timestamp).toBe(original.timestamp);
      expect(entry.source).toEqual({ format: "pi", id: original.id, entry: original });
    }
  });

  it("reads the same conversation on the leaf's path as pi would send", () => {
    const context = new LiveContext(converted.entries.map((entry, index) => ({ entry, offset: index })));
    const walked = context.walk();
    const messages = contextMessages(walked);
    expect(batonSaid(messages, "Summary of the earlier part of this conversation:\n\n")).toEqual(
      piContext(raw.slice(1)),
    );
    expect(walked.compaction).toMatchObject({
      firstKeptId: "b1000002",
      firstKeptSeq: 11,
      covers: { tokensBefore: 12345 },
    });
  });

  it("turns assistant messages into Baton parts with their origin and metadata", () => {
    const first = converted.entries[3];
    expect(first).toMatchObject({
      type: "message",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      usage: { inputTokens: 1200, outputTokens: 340 },
      finishReason: "tool-calls",
      message: {
        role: "assistant",
        origin: { provider: "anthropic", api: "anthropic-messages", model: "claude-sonnet-4-5" },
        content: [
          {
            type: "reasoning",
            text: "The test expects trailing commas to be accepted.",
            signature: "sig-abc123",
          },
          { type: "text", text: "Let me look at the parser." },
          { type: "tool-call", toolCallId: "toolu_01", toolName: "read", input: { path: "src/parser.ts" } },
        ],
      },
    });
    expect(converted.entries[4]).toMatchObject({
      message: { role: "tool", toolCallId: "toolu_01", toolName: "read" },
    });
    expect(converted.entries[15]).toMatchObject({
      message: { origin: { api: "openai-chat", provider: "openrouter" } },
    });
  });

  it("keeps settings and extension state as notes outside the conversation, and says what it could not carry", () => {
    expect(
      converted.entries
        .filter((entry) => entry.type === "note")
        .map((entry) => entry.type === "note" && entry.kind),
    ).toEqual(["model_change", "thinking_level_change", "custom", "label", "session_info"]);
    expect(converted.warnings).toEqual([
      expect.stringContaining("pi-session-v3.jsonl:16: an image is kept only in the entry's source"),
    ]);
  });

  it("reports a torn last line instead of skipping it silently", () => {
    const torn = `${text}{"type":"message","id":"zz`;
    const result = convertPiTranscript(torn, "t.jsonl");
    expect(result.entries).toHaveLength(raw.length - 1);
    expect(result.torn).toMatchObject({ line: raw.length + 1, offset: Buffer.byteLength(text) });
    expect(result.torn?.bytes.toString()).toBe('{"type":"message","id":"zz');
    expect(result.warnings[0]).toContain("t.jsonl:20: the last line is incomplete");
  });

  it("fails on a bad line in the middle with its line number", () => {
    const lines = text.split("\n");
    lines[5] = "{broken";
    expect(() => convertPiTranscript(lines.join("\n"), "bad.jsonl")).toThrow(/^bad\.jsonl:6: not valid JSON/);
    const error = (() => {
      try {
        convertPiTranscript(lines.join("\n"), "bad.jsonl");
      } catch (caught) {
        return caught;
      }
    })();
    expect(SessionError.isInstance(error) && error.code === "import_failed" && error.line === 6).toBe(true);
  });

  it("refuses files that are not pi transcripts or come from a newer pi", () => {
    expect(() => convertPiTranscript("", "e.jsonl")).toThrow(/empty/);
    expect(() => convertPiTranscript('{"type":"session","version":9,"id":"x"}\n', "n.jsonl")).toThrow(
      /version 9 is newer/,
    );
    expect(() => convertPiTranscript('{"hello":1}\n', "h.jsonl")).toThrow(
      /not a pi\/OpenClaw session header/,
    );
  });

  it("imports version 1 (linear, no ids) by chaining entries in order", () => {
    const v1 = [
      { type: "session", id: "old", timestamp: "2024-01-01T00:00:00Z", cwd: "/" },
      { type: "message", timestamp: "2024-01-01T00:00:01Z", message: { role: "user", content: "hi" } },
      {
        type: "message",
        timestamp: "2024-01-01T00:00:02Z",
        message: { role: "assistant", content: [{ type: "text", text: "hello" }] },
      },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    const result = convertPiTranscript(`${v1}\n`, "v1.jsonl");
    expect(result.version).toBe(1);
    expect(result.entries.map((entry) => [entry.id, entry.parentId])).toEqual([
      ["pi-2", null],
      ["pi-3", "pi-2"],
    ]);
  });
});
