// Reads a scenario JSON file and validates it. Errors name the file, and for JSON syntax
// errors the line and column; schema errors come from parseScenario with the field path.
import { readFile } from "node:fs/promises";
import { parseScenario, type Scenario, ScenarioError } from "./scenario-schema.ts";

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/**
 * Loads and validates a scenario file. Errors name the file as `options.name` (default: `path`).
 * @example const scenario = await loadScenarioFile("examples/scenarios/quota.json");
 */
export async function loadScenarioFile(
  path: string,
  options: { readonly name?: string } = {},
): Promise<Scenario> {
  const name = options.name ?? path;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    throw new ScenarioError(name, [`cannot read the file (${code})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "at position N (line L column C)" for most errors; add the line when it only gives N.
    const position = /position (\d+)(?!\d| \(line)/.exec(message);
    const where = position === null ? "" : ` at ${lineAndColumn(text, Number(position[1]))}`;
    throw new ScenarioError(name, [`not valid JSON${where}: ${message}`]);
  }
  return parseScenario(value, name);
}
