// `baton chat`: an interactive session. Each line is a turn; the answer streams as it comes,
// decisions are shown dimmed, and output of an attempt that failed midway is visibly withdrawn
// before the next attempt's text.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { TurnError } from "../../turn/turn-error.ts";
import type { Command, CommandIo } from "../command.ts";
import { parseCommandArgs } from "../command-args.ts";
import { decisionLine } from "../decision-line.ts";
import { ExitCode } from "../exit-codes.ts";
import { loadBaton } from "../load-baton.ts";

const help = `Usage: baton chat [--config FILE] [--chain NAME] [--session ID]

An interactive conversation, persisted to a session (a new one unless --session names one).
Type a message and press Enter; /exit or Ctrl-D ends the chat. Decisions (failures, skips,
waits) are shown dimmed as they happen. When an attempt fails after part of its answer was
shown, that part is marked as withdrawn and the answer continues from another attempt.
`;

const dim = (text: string, colour: boolean): string => (colour ? `\u001b[2m${text}\u001b[22m` : text);
const strike = (text: string, colour: boolean): string => (colour ? `\u001b[9m${text}\u001b[29m` : text);

async function run(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs({
    args,
    options: { config: { type: "string" }, chain: { type: "string" }, session: { type: "string" } },
  });
  const loaded = await loadBaton(io, values.config);
  if (!loaded.ok) return loaded.exitCode;
  const colour = (io.stdout as { isTTY?: boolean }).isTTY === true;
  const sessionId = values.session ?? `chat-${randomUUID().slice(0, 8)}`;
  io.stdout.write(dim(`session ${sessionId}; /exit to leave\n`, colour));
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const message = line.trim();
    if (message === "") continue;
    if (message === "/exit") break;
    const turn = loaded.baton.run({
      message,
      sessionId,
      ...(values.chain === undefined ? {} : { chain: values.chain }),
      signal: io.signal,
    });
    let shown = "";
    for await (const event of turn.events) {
      if (event.type === "text-delta") {
        shown += event.text;
        io.stdout.write(event.text);
      } else if (event.type === "attempt-discarded" && shown !== "") {
        io.stdout.write(
          `\n${dim(`[withdrawn: ${strike(shown.slice(0, 60), colour)}${shown.length > 60 ? "..." : ""}]`, colour)}\n`,
        );
        shown = "";
      } else {
        const text = decisionLine(event);
        if (text !== undefined) io.stdout.write(`${shown === "" ? "" : "\n"}${dim(`  ${text}`, colour)}\n`);
      }
    }
    try {
      await turn.result;
      io.stdout.write("\n");
    } catch (error) {
      if (!TurnError.isInstance(error)) throw error;
      io.stdout.write(`\n${dim(`error: ${error.message.split("\n", 1)[0]}`, colour)}\n`);
      if (error.kind === "aborted") break;
    }
  }
  lines.close();
  // A failed turn is reported in the conversation; the chat itself ended normally.
  return ExitCode.ok;
}

export const chatCommand: Command = {
  name: "chat",
  summary: "An interactive conversation with live decisions",
  help,
  run,
};
