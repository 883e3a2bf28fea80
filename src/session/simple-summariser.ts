// The summariser the command line uses when no model is at hand: counts of what the old part
// holds and the first line of each user message. Deterministic and offline; it says what was
// there, not what it meant. The turn runner passes a model-backed summariser instead.
import type { SessionEntry } from "./session-entry.ts";
import type { Summariser } from "./session-store.ts";

const maxLines = 20;
const maxWidth = 120;

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > maxWidth ? `${line.slice(0, maxWidth - 1)}…` : line;
}

/** Pure core of the built-in summariser. */
export function summariseByCounting(entries: readonly SessionEntry[], previousSummary?: string): string {
  const counts = new Map<string, number>();
  const asked: string[] = [];
  for (const entry of entries) {
    const kind = entry.type === "message" ? entry.message.role : entry.type;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (entry.type === "message" && entry.message.role === "user")
      asked.push(firstLine(entry.message.content));
  }
  const first = entries[0]?.seq ?? 0;
  const last = entries.at(-1)?.seq ?? 0;
  const tally = [...counts.entries()].map(([kind, count]) => `${count} ${kind}`).join(", ");
  const lines = [
    `[built-in summary of ${entries.length} entries, seq ${first}-${last}: ${tally || "nothing"}]`,
  ];
  if (previousSummary !== undefined) lines.push(`Before that: ${firstLine(previousSummary)}`);
  if (asked.length > 0) {
    lines.push("The user wrote:");
    const shown = asked.slice(-maxLines);
    if (asked.length > shown.length)
      lines.push(`- (${asked.length - shown.length} earlier messages not listed)`);
    for (const line of shown) lines.push(`- ${line}`);
  }
  return lines.join("\n");
}

export const countingSummariser: Summariser = async (request) =>
  summariseByCounting(request.entries, request.previousSummary);
