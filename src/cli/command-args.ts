// Parsing a command's arguments: node's `util.parseArgs` (long options, `--flag=value`,
// booleans, positionals), with its errors turned into usage errors (exit code 2), and the
// number checks the commands share.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./command.ts";

export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A whole number in `min`..`max`, or a usage error naming the flag. */
export function parseInteger(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} expects an integer ${min}-${max}, got '${text}'`);
  }
  return value;
}
