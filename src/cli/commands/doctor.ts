// `baton doctor`: checks the config and that every credential's key is set (never printing
// a key), and that each chain can be used.
import { ConfigError } from "../../config/config-error.ts";
import type { Command, CommandIo } from "../command.ts";
import { parseCommandArgs } from "../command-args.ts";
import { ExitCode } from "../exit-codes.ts";
import { loadBaton } from "../load-baton.ts";

const help = `Usage: baton doctor [--config FILE]

Checks the configuration: that the file is valid, which wire protocol and base URL each
provider uses, that every credential's key is set (keys are never printed), and that every
chain can be used. Exit code 0 when everything is usable, 3 when something is not.
`;

async function run(args: string[], io: CommandIo): Promise<number> {
  const { config } = parseCommandArgs({ args, options: { config: { type: "string" } } }).values;
  const loaded = await loadBaton(io, config);
  if (!loaded.ok) return loaded.exitCode;
  const { runtime } = loaded.baton;
  let problems = 0;
  io.stdout.write(`config: ${runtime.file}\n\nproviders:\n`);
  for (const endpoint of runtime.endpoints)
    io.stdout.write(`  ${endpoint.id}: ${endpoint.api} at ${endpoint.baseUrl}\n`);
  io.stdout.write("\ncredentials:\n");
  for (const credential of runtime.credentialSources()) {
    if (!credential.present) problems += 1;
    io.stdout.write(
      `  ${credential.credentialId}: ${credential.source} ${credential.present ? "is set" : "is NOT set"}\n`,
    );
  }
  io.stdout.write("\nchains:\n");
  for (const name of Object.keys(runtime.config.chains)) {
    try {
      const chain = runtime.chain(name);
      io.stdout.write(
        `  ${name}: ${chain.candidates.map((candidate) => `${candidate.provider}/${candidate.model}`).join(" -> ")}: usable\n`,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems += 1;
      io.stdout.write(`  ${name}: NOT usable: ${error.message}\n`);
    }
  }
  io.stdout.write(
    problems === 0 ? "\nall good\n" : `\n${problems} problem${problems === 1 ? "" : "s"} found\n`,
  );
  return problems === 0 ? ExitCode.ok : ExitCode.config;
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "Check the config and credentials",
  help,
  run,
};
