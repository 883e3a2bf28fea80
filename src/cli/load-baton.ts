// Builds a Baton for a CLI command from `--config` / BATON_CONFIG / ./baton.config.json, and
// reports configuration errors the same way for every command (exit code 3).
import { ConfigError } from "../config/config-error.ts";
import { type Baton, createBaton } from "../turn/create-baton.ts";
import type { CommandIo } from "./command.ts";
import { ExitCode } from "./exit-codes.ts";

export type LoadOutcome =
  | { readonly ok: true; readonly baton: Baton }
  | { readonly ok: false; readonly exitCode: number };

export async function loadBaton(io: CommandIo, configFile: string | undefined): Promise<LoadOutcome> {
  try {
    const baton = await createBaton({
      ...(configFile === undefined ? {} : { configFile }),
      env: io.env,
      cwd: io.cwd,
    });
    return { ok: true, baton };
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`baton: configuration error: ${error.message}\n`);
      return { ok: false, exitCode: ExitCode.config };
    }
    throw error;
  }
}
