// `baton demo`: with no configuration, starts the simulator and runs the session-race, quota
// and flaky-provider rehearsals, printing each decision live and a summary table at the end.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../simulator/index.ts";
import { createBaton } from "../../turn/create-baton.ts";
import { TurnError } from "../../turn/turn-error.ts";
import type { Command, CommandIo } from "../command.ts";
import { UsageError } from "../command.ts";
import { decisionLine } from "../decision-line.ts";
import { type DemoScenario, demoScenarios } from "../demo/demo-scenarios.ts";
import { startNoteWriter } from "../demo/start-note-writer.ts";
import { ExitCode } from "../exit-codes.ts";

const help = `Usage: baton demo

Starts the provider simulator on 127.0.0.1 and rehearses, with no configuration and no
provider account:
  1. the session race: turns wait on a slow model while another process writes notes and
     compacts the session;
  2. a provider-wide quota: OpenAI answers 429 usage_limit_reached, DeepSeek is healthy;
  3. a flaky provider: the primary is overloaded for 3 s, then recovers.
Each decision is printed as it happens; a summary table follows. Exit code 0 when every
rehearsal behaved as described, 1 otherwise. Takes about 15 seconds.
`;

interface Row {
  readonly title: string;
  readonly turns: number;
  readonly answered: number;
  readonly servedBy: string;
  readonly requests: string;
  readonly notes: string;
  readonly verdict: boolean;
}

async function rehearse(demo: DemoScenario, io: CommandIo, index: number): Promise<Row> {
  const work = await mkdtemp(join(tmpdir(), "baton-demo-"));
  const simulator = await startSimulator({ scenario: demo.scenario });
  const out = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  try {
    out(`\n== ${index}. ${demo.title} ==\n${demo.story}\nchain: ${demo.chain.join(" -> ")}`);
    const env: Record<string, string> = {};
    const providers: Record<string, unknown> = {};
    for (const reference of demo.chain) {
      const provider = reference.slice(0, reference.indexOf("/"));
      const api = provider === "anthropic" ? "anthropic-messages" : "openai-chat";
      env[`DEMO_${provider.toUpperCase()}_KEY`] = `sk-demo-${provider}`;
      providers[provider] = {
        api,
        baseUrl: simulator.baseUrl(provider, api),
        credentials: [{ id: "demo", apiKeyEnv: `DEMO_${provider.toUpperCase()}_KEY` }],
      };
    }
    const baton = await createBaton({
      cwd: work,
      env,
      config: { providers, chains: { demo: [...demo.chain] }, policy: demo.policy ?? {} },
    });
    const sessionId = `demo-${index}`;
    await (await baton.store.open(sessionId, { create: true })).close();
    const writer = demo.backgroundWriter
      ? await startNoteWriter({
          dir: join(work, ".baton/sessions"),
          id: sessionId,
          everyMs: 50,
          compactEveryMs: 1_000,
        })
      : undefined;
    const served: string[] = [];
    let answered = 0;
    try {
      for (let turn = 1; turn <= demo.turns; turn += 1) {
        const run = baton.run({ message: `demo question ${turn}`, sessionId, signal: io.signal });
        let integrated = 0;
        for await (const event of run.events) {
          if (event.type === "session-rebased") integrated += event.integrated;
          const line = decisionLine(event);
          if (line !== undefined && event.type !== "session-rebased") out(`   ${line}`);
        }
        try {
          const result = await run.result;
          answered += 1;
          served.push(result.served.provider);
          const extra =
            integrated > 0 ? `, wrote on top of ${integrated} entries from the other process` : "";
          out(` turn ${turn}: answered by ${result.served.provider}/${result.served.model}${extra}`);
        } catch (error) {
          if (!TurnError.isInstance(error)) throw error;
          served.push("none");
          out(` turn ${turn}: FAILED: ${error.message.split("\n", 1)[0]}`);
        }
        if (demo.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, demo.pauseMs));
      }
    } finally {
      await writer?.stop();
    }
    const counts = new Map<string, number>();
    for (const entry of simulator.log()) counts.set(entry.provider, (counts.get(entry.provider) ?? 0) + 1);
    const report = await baton.store.verify(sessionId);
    const primary = demo.chain[0]?.slice(0, demo.chain[0].indexOf("/")) ?? "";
    const verdict =
      answered === demo.turns &&
      report.ok &&
      (demo.expect === "all-primary"
        ? served.every((provider) => provider === demo.expectServedBy) && counts.size === 1
        : demo.expect === "all-fallback"
          ? served.every((provider) => provider === demo.expectServedBy) && (counts.get(primary) ?? 0) === 1
          : served.at(-1) === demo.expectServedBy && served.includes(demo.chain[1]?.split("/")[0] ?? ""));
    return {
      title: demo.title,
      turns: demo.turns,
      answered,
      servedBy: [...new Set(served)].join(" then "),
      requests: [...counts].map(([provider, count]) => `${provider} ${count}`).join(", "),
      notes:
        writer === undefined
          ? "-"
          : `${writer.notes.length} notes, ${report.ok ? "verify ok" : "VERIFY FAILED"}`,
      verdict,
    };
  } finally {
    await simulator.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function run(args: string[], io: CommandIo): Promise<number> {
  if (args.length > 0) throw new UsageError(`baton demo takes no arguments, got '${args.join(" ")}'`);
  const rows: Row[] = [];
  for (const [index, demo] of demoScenarios.entries()) rows.push(await rehearse(demo, io, index + 1));
  const header = [
    "rehearsal",
    "turns",
    "answered",
    "served by",
    "requests seen by the simulator",
    "background writer",
    "as described",
  ];
  const table = [
    header,
    ...rows.map((row) => [
      row.title,
      String(row.turns),
      String(row.answered),
      row.servedBy,
      row.requests,
      row.notes,
      row.verdict ? "yes" : "NO",
    ]),
  ];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column]?.length ?? 0)));
  io.stdout.write("\n");
  for (const cells of table)
    io.stdout.write(`${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ")}\n`);
  return rows.every((row) => row.verdict) ? ExitCode.ok : ExitCode.internal;
}

export const demoCommand: Command = {
  name: "demo",
  summary: "Rehearse the session race, a quota and a flaky provider",
  help,
  run,
};
