// The summariser a turn uses to compact its session after a context overflow: the same chain
// that serves the turn writes the summary, through the same failover engine. The summary
// request must fit where the turn did not, so it is cut to a budget: each entry to a line of
// bounded length, the whole to half the smallest known context window or of the prompt that
// was refused (newest entries kept).
import type { ResolvedChain } from "../failover/chain.ts";
import { classify } from "../failover/classify.ts";
import { runWithFailover } from "../failover/engine.ts";
import type { ConversationMessage } from "../providers/conversation.ts";
import type { SessionEntry } from "../session/session-entry.ts";
import type { Summariser } from "../session/session-store.ts";
import type { TurnParts } from "./turn-types.ts";

const instructions =
  "Summarise the conversation below for your own later use. Keep decisions, facts, open questions, " +
  "tool results that still matter, and the user's goals. Be concise; write plain text.";

function describe(entry: SessionEntry): string | undefined {
  if (entry.type !== "message") return entry.type === "note" ? `[note] ${entry.text}` : undefined;
  const message: ConversationMessage = entry.message;
  switch (message.role) {
    case "system":
    case "user":
      return `[${message.role}] ${message.content}`;
    case "assistant":
      return `[assistant] ${message.content
        .map((part) =>
          part.type === "text" ? part.text : part.type === "tool-call" ? `(called ${part.toolName})` : "",
        )
        .join(" ")}`;
    case "tool":
      return `[tool ${message.toolName}] ${message.output}`;
  }
}

/** Characters per token, roughly, for budgeting text against a context window. */
const charsPerToken = 4;
const maxLineChars = 400;
const defaultBudgetChars = 48_000;

/** The transcript to summarise, newest lines kept when it is over the budget. */
export function summaryTranscript(entries: readonly SessionEntry[], budgetChars: number): string {
  const lines = entries
    .map(describe)
    .filter((line): line is string => line !== undefined)
    .map((line) => (line.length > maxLineChars ? `${line.slice(0, maxLineChars)}...` : line));
  const kept: string[] = [];
  let used = 0;
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index] as string;
    if (used + line.length + 1 > budgetChars) {
      kept.push(`[${index + 1} earlier entries left out]`);
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept.reverse().join("\n");
}

function budgetFor(chain: ResolvedChain): number {
  const windows = chain.candidates.flatMap((candidate) =>
    candidate.options?.contextWindow === undefined ? [] : [candidate.options.contextWindow],
  );
  return windows.length === 0 ? defaultBudgetChars : Math.floor((Math.min(...windows) * charsPerToken) / 2);
}

/**
 * @param overflowedChars the size of the prompt that was refused, when known: the summary
 *   request is kept to half of it, so it fits where that prompt did not.
 */
export function chainSummariser(
  parts: TurnParts,
  chain: ResolvedChain,
  overflowedChars?: number,
): Summariser {
  return async (request) => {
    const budget = Math.min(
      budgetFor(chain),
      overflowedChars === undefined ? Number.POSITIVE_INFINITY : Math.floor(overflowedChars / 2),
    );
    const transcript = summaryTranscript(request.entries, Math.max(0, budget - instructions.length));
    const previous =
      request.previousSummary === undefined ? "" : `Earlier summary:\n${request.previousSummary}\n\n`;
    const result = await runWithFailover({
      chain,
      policy: parts.runtime.policy,
      health: parts.health,
      caller: parts.caller,
      classify,
      request: {
        messages: [
          { role: "system", content: instructions },
          { role: "user", content: `${previous}${transcript}` },
        ],
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      },
      ...(parts.clock === undefined ? {} : { clock: parts.clock }),
    });
    return result.text;
  };
}
