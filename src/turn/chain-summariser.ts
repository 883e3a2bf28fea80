// The summariser a turn uses to compact its session after a context overflow: the same chain
// that serves the turn writes the summary, through the same failover engine.
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

export function chainSummariser(parts: TurnParts, chain: ResolvedChain): Summariser {
  return async (request) => {
    const transcript = request.entries
      .map(describe)
      .filter((line) => line !== undefined)
      .join("\n");
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
