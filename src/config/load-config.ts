// Finds, reads and validates the config file: `--config`, then BATON_CONFIG, then
// baton.config.json / .yaml / .yml in the working directory. JSON and YAML syntax errors
// name the line and column.
import { access, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError, configErrorFromZod } from "./config-error.ts";
import { type BatonConfig, configSchema } from "./config-schema.ts";

export const defaultConfigNames = ["baton.config.json", "baton.config.yaml", "baton.config.yml"] as const;

export interface LoadedConfig {
  readonly file: string;
  readonly config: BatonConfig;
}

/** Which file to read, or undefined when none is named and none exists. */
export async function findConfigFile(options: {
  explicit?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<string | undefined> {
  const named = options.explicit ?? options.env.BATON_CONFIG;
  if (named !== undefined && named !== "") return resolve(options.cwd, named);
  for (const name of defaultConfigNames) {
    const candidate = resolve(options.cwd, name);
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

function parseText(file: string, text: string): unknown {
  if (/\.ya?ml$/i.test(file)) {
    try {
      return parseYaml(text) as unknown;
    } catch (error) {
      if (error instanceof YAMLParseError) {
        const where = error.linePos?.[0];
        const position = where === undefined ? "" : ` at line ${where.line}, column ${where.col}`;
        throw new ConfigError(file, "", `not valid YAML${position}: ${error.message.split("\n", 1)[0]}`);
      }
      throw error;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const match = /position (\d+)/.exec(error instanceof Error ? error.message : "");
    const position = match === null ? "" : ` at ${lineAndColumn(text, Number(match[1]))}`;
    throw new ConfigError(file, "", `not valid JSON${position}`);
  }
}

/** The keys a strict object accepts at a path, for "did you mean" suggestions. */
function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  const [first, , third, , fifth] = path;
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (first === "providers" && path.length === 2)
    return ["preset", "api", "baseUrl", "headers", "credentials", "models"];
  if (first === "providers" && third === "credentials") return ["id", "apiKeyEnv", "apiKey"];
  if (first === "providers" && third === "models" && fifth === "timers")
    return ["connectMs", "firstTokenMs", "idleMs"];
  if (first === "providers" && third === "models") return ["timers", "contextWindow", "acceptsPrefill"];
  if (first === "policy" && path[1] === "timers") return ["connectMs", "firstTokenMs", "idleMs"];
  if (first === "policy" && path.length === 1) return Object.keys(configSchema.shape.policy.unwrap().shape);
  if (first === "sessions") return ["dir", "durability"];
  if (first === "health") return ["file"];
  return [];
}

/** Validates an already-parsed config value. */
export function validateConfig(file: string, raw: unknown): BatonConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw configErrorFromZod(file, raw, result.error, knownKeysAt);
  return result.data;
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      file,
      "",
      code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(error)})`,
    );
  }
  return { file, config: validateConfig(file, parseText(file, text)) };
}
