// `npm run soak`: Baton's chaos soak. Several Baton processes run turns on shared sessions
// against the fault-injecting simulator while background writers append and compact and a
// killer SIGKILLs, freezes and restarts processes; then every invariant is checked from the
// evidence and printed as a table. Exit code 0 when every invariant holds, 1 when one fails
// (with the seed, the smallest reproduction found and the replay command), 2 on a usage error.
// docs/soak.md explains each invariant and how it is checked.
import { parseArgs } from "node:util";
import { freshSeed } from "./random.ts";
import { firstViolation, replayCommand, reproduction, shrink } from "./reproduce.ts";
import { runSoak, type SoakOutcome } from "./soak.ts";

const help = `Usage: npm run soak -- [options]

Runs Baton under load, faults and kills, then checks its invariants and prints them as a table.

Options:
  --minutes N     length of the load phase, decimals allowed (default 5)
  --seed S        seed of the fault plan, the workers' choices and the killer (default: random, printed)
  --workers N     Baton library worker processes (default 4)
  --gateways N    baton serve processes, each driven by an HTTP client lane (default 1; 0 for none)
  --sessions N    sessions the workers share (default: 3 per 4 workers, at least 2); each gateway adds
                  one it shares with the workers; every session has a background writer
  --out DIR       keep every artefact (logs, sessions, traces, simulator log, report) in DIR (must be empty)
  --no-shrink     on failure, do not re-run smaller to find a minimal reproduction
  -h, --help      this text

Everything runs on 127.0.0.1; every child process and the temp folder are removed at the end.
A failing run prints the seed, the first violation with its fault sequence, and the command
that replays it. docs/soak.md describes each invariant.
`;

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n\n${help}`);
  process.exit(2);
}

function number(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    fail(`${flag} expects ${integer ? "an integer" : "a number"} >= ${min}, got '${text}'`);
  return value;
}

let parsed: ReturnType<typeof parseArgs>;
try {
  parsed = parseArgs({
    options: {
      minutes: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      gateways: { type: "string" },
      sessions: { type: "string" },
      out: { type: "string" },
      "no-shrink": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  fail((error as Error).message);
}
const values = parsed.values as Record<string, string | boolean | undefined>;
if (values.help === true) {
  process.stdout.write(help);
  process.exit(0);
}
const text = (name: string): string | undefined =>
  typeof values[name] === "string" ? (values[name] as string) : undefined;
const options = {
  seed: number("--seed", text("seed"), freshSeed(), 0, true),
  minutes: number("--minutes", text("minutes"), 5, 0.1, false),
  workers: number("--workers", text("workers"), 4, 1, true),
  gateways: number("--gateways", text("gateways"), 1, 0, true),
  ...(text("sessions") === undefined ? {} : { sessions: number("--sessions", text("sessions"), 2, 1, true) }),
  ...(text("out") === undefined ? {} : { out: text("out") }),
};

const interrupted = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("soak: interrupted; stopping the processes and checking what ran\n");
  interrupted.abort();
});
const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

let outcome: SoakOutcome;
try {
  outcome = await runSoak({ ...options, progress, signal: interrupted.signal });
} catch (error) {
  process.stderr.write(
    `soak: the run itself failed (seed ${options.seed}): ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${outcome.report}\n`);
if (outcome.ok) {
  process.stdout.write(`\nAll invariants hold (seed ${options.seed}; replay: ${replayCommand(options)}).\n`);
  process.exit(0);
}
process.stdout.write(`\n${reproduction(outcome)}\n`);
const first = firstViolation(outcome.results);
if (values["no-shrink"] !== true && first !== undefined && !interrupted.signal.aborted) {
  progress(`soak: shrinking: re-running seed ${options.seed} smaller while '${first.result.id}' still fails`);
  const smallest = await shrink(outcome, first.result.id, (smaller) =>
    runSoak({ ...smaller, progress, signal: interrupted.signal }),
  );
  if (smallest !== outcome)
    process.stdout.write(`\nSmallest failing run found:\n${reproduction(smallest)}\n`);
  else process.stdout.write("\nNo smaller run reproduced it; replay the original command.\n");
}
if (options.out === undefined) process.stdout.write("Keep every artefact with --out DIR.\n");
process.exit(1);
