// A configuration mistake, told the way a user can fix it: the file, the path inside it
// (`chains.default[2]`), and what was expected. Never includes a secret's value.
import type { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, problem: string) {
    super(`${file}: ${path === "" ? "" : `${path}: `}${problem}`);
    this.file = file;
    this.path = path;
  }
}

/** `["chains", "default", 2]` -> `chains.default[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Keys whose values are secrets and are never echoed. */
const secretKeys = new Set(["apiKey"]);

/** Turns the first zod issue into a ConfigError that names the file, the path and the expectation. */
export function configErrorFromZod(
  file: string,
  raw: unknown,
  error: z.ZodError,
  knownKeysAt: (path: readonly PropertyKey[]) => readonly string[],
): ConfigError {
  const issue = error.issues[0];
  if (issue === undefined) return new ConfigError(file, "", "invalid configuration");
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const where = formatPath([...issue.path, key]);
    return new ConfigError(file, where, `unknown key '${key}'${didYouMean(key, knownKeysAt(issue.path))}`);
  }
  const last = issue.path.at(-1);
  const shown =
    typeof last === "string" && secretKeys.has(last)
      ? ""
      : `, got ${describeValue(valueAt(raw, issue.path))}`;
  if (issue.code === "invalid_value" && "values" in issue) {
    const allowed = (issue.values as unknown[]).map((value) => JSON.stringify(value)).join(", ");
    return new ConfigError(file, path, `expected one of ${allowed}${shown}`);
  }
  if (issue.code === "invalid_type") {
    const received = valueAt(raw, issue.path);
    if (received === undefined)
      return new ConfigError(file, path, `is required (expected ${issue.expected})`);
    return new ConfigError(file, path, `expected ${issue.expected}${shown}`);
  }
  return new ConfigError(file, path, `expected ${issue.message}${shown}`);
}
