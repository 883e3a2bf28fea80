// Loads every case file under test/real-world/cases/, validates it against case-schema.ts and
// fails with the file, the case id and the field path when something is wrong. Case ids must be
// unique across files.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { caseFileSchema, type RealWorldCase } from "./case-schema.ts";

export const casesDir = join(import.meta.dirname, "cases");

export interface LoadedCase extends RealWorldCase {
  readonly file: string;
}

function describeIssue(file: string, raw: unknown, path: readonly PropertyKey[], message: string): string {
  const index = typeof path[0] === "number" ? path[0] : undefined;
  const item = index === undefined || !Array.isArray(raw) ? undefined : (raw[index] as { id?: unknown });
  const id = typeof item?.id === "string" ? ` case '${item.id}'` : "";
  const field = (index === undefined ? path : path.slice(1)).map(String).join(".");
  return `${file}${id}${field === "" ? "" : ` field '${field}'`}: ${message}`;
}

/** Parses one file's text; throws an Error naming the file, case and field of every problem. */
export function parseCaseFile(file: string, text: string): LoadedCase[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = caseFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => describeIssue(file, raw, issue.path, issue.message));
    throw new Error(`invalid case file\n${lines.join("\n")}`);
  }
  return parsed.data.map((entry) => ({ ...entry, file }));
}

export function loadCases(dir = casesDir): LoadedCase[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
  const cases = files.flatMap((name) => parseCaseFile(name, readFileSync(join(dir, name), "utf8")));
  const seen = new Map<string, string>();
  for (const entry of cases) {
    const earlier = seen.get(entry.id);
    if (earlier !== undefined)
      throw new Error(`${entry.file} case '${entry.id}': id already used in ${earlier}`);
    seen.set(entry.id, entry.file);
  }
  return cases;
}
