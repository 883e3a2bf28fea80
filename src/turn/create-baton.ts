// The library's front door: load and validate a config, then build the parts a turn needs
// (adapters, the shared health registry, the session store) once, and run turns with them.
import { dirname, resolve } from "node:path";
import { checkReferences } from "../config/check-references.ts";
import { ConfigError } from "../config/config-error.ts";
import { findConfigFile, loadConfig, validateConfig } from "../config/load-config.ts";
import { type RuntimeConfig, resolveRuntime } from "../config/resolve-runtime.ts";
import { FileHealthRegistry } from "../health/file-health-registry.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import type { FetchFunction } from "../providers/create-language-model.ts";
import { createSdkModelCaller } from "../providers/sdk-model-caller.ts";
import { JsonlSessionStore } from "../session/jsonl-session-store.ts";
import type { SessionStore } from "../session/session-store.ts";
import { runTurn } from "./run-turn.ts";
import type { TurnOptions, TurnParts, TurnRun } from "./turn-types.ts";

export interface BatonOptions {
  /** Path of baton.config.json / .yaml; found like the CLI does when omitted. */
  readonly configFile?: string;
  /** A config object instead of a file (validated the same way). */
  readonly config?: unknown;
  /** Where credentials' `apiKeyEnv` variables are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Relative paths in the config resolve against this (default: the config file's folder). */
  readonly cwd?: string;
  /** The fetch the adapters use underneath (default globalThis.fetch). */
  readonly fetch?: FetchFunction;
  /** Overrides the file-backed health registry (e.g. a shared store). */
  readonly health?: HealthRegistry;
  /** Overrides the JSONL session store (e.g. a database store). */
  readonly store?: SessionStore;
}

export interface Baton {
  readonly runtime: RuntimeConfig;
  readonly store: SessionStore;
  readonly health: HealthRegistry;
  /** Runs one turn; see runTurn. */
  run(options: TurnOptions): TurnRun;
}

/**
 * Loads the config and builds a Baton.
 * @example
 * const baton = await createBaton({ configFile: "baton.config.json" });
 * const { result } = baton.run({ message: "Summarise the README", sessionId: "docs" });
 * console.log((await result).text);
 */
export async function createBaton(options: BatonOptions = {}): Promise<Baton> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let file: string;
  let config: ReturnType<typeof validateConfig>;
  if (options.config !== undefined) {
    file = options.configFile ?? "(config object)";
    config = validateConfig(file, options.config);
  } else {
    const found = await findConfigFile({
      ...(options.configFile === undefined ? {} : { explicit: options.configFile }),
      env,
      cwd,
    });
    if (found === undefined) {
      throw new ConfigError(
        resolve(cwd, "baton.config.json"),
        "",
        "no config file: pass --config FILE, set BATON_CONFIG, or create baton.config.json (see README: Configuration)",
      );
    }
    ({ file, config } = await loadConfig(found));
  }
  checkReferences(file, config);
  const runtime = resolveRuntime(file, config, env);
  const base = options.config !== undefined || options.cwd !== undefined ? cwd : dirname(file);
  const sessionsDir = resolve(base, config.sessions.dir);
  const health = options.health ?? new FileHealthRegistry({ path: resolve(base, config.health.file) });
  const store =
    options.store ?? new JsonlSessionStore({ dir: sessionsDir, durability: config.sessions.durability });
  const caller = createSdkModelCaller({
    endpoints: runtime.endpoints,
    apiKey: runtime.apiKey,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const parts: TurnParts = { runtime, caller, health, store, traceDir: sessionsDir };
  return { runtime, store, health, run: (turn) => runTurn(parts, turn) };
}
