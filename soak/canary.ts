// Canary keys: every Baton process of the soak gets its own unique, recognisable API keys
// (one per credential), so the simulator's key hash says which process sent a request, and a
// leak of any key can be found afterwards by a plain search. A leak is the whole key, its
// random core, or the masked echo some providers put in error messages ("sk-so****abcd").
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { keyHash } from "../src/simulator/credentials.ts";
import { allCredentials, type CredentialRef } from "./topology.ts";

/** The slot name of the keys every Baton process is configured with (the taps swap them per process). */
export const sharedSlot = "shared";

export interface CanaryKey extends CredentialRef {
  /** The process slot the key belongs to, or `shared`. */
  readonly slot: string;
  readonly key: string;
  /** The random part, unique to this key. */
  readonly core: string;
  /** What the simulator logs instead of the key. */
  readonly hash: string;
}

/** The masked form the simulator (like OpenAI) echoes in auth errors: first 5, stars, last 4. */
export function maskedEcho(key: string): string {
  return `${key.slice(0, 5)}${"*".repeat(Math.min(40, key.length - 9))}${key.slice(-4)}`;
}

/** One key per credential for a process slot, e.g. `sk-soakcanary-w2-openai-work-<24 hex>`. */
export function canaryKeys(slot: string): CanaryKey[] {
  return allCredentials().map((ref) => {
    const core = randomBytes(12).toString("hex");
    const key = `sk-soakcanary-${slot}-${ref.provider}-${ref.credentialId}-${core}`;
    return { ...ref, slot, key, core, hash: keyHash(key) };
  });
}

export interface Leak {
  readonly file: string;
  readonly slot: string;
  readonly credential: string;
  /** Which form was found. */
  readonly form: "key" | "core" | "masked";
  /** 1-based line of the first occurrence. */
  readonly line: number;
}

/** Every occurrence (first per file and key) of any canary form in `text`. */
export function findLeaks(text: string, file: string, keys: readonly CanaryKey[]): Leak[] {
  const leaks: Leak[] = [];
  for (const canary of keys) {
    const forms: [Leak["form"], string][] = [
      ["key", canary.key],
      ["core", canary.core],
      ["masked", maskedEcho(canary.key)],
    ];
    for (const [form, needle] of forms) {
      const index = text.indexOf(needle);
      if (index === -1) continue;
      const line = text.slice(0, index).split("\n").length;
      leaks.push({
        file,
        slot: canary.slot,
        credential: `${canary.provider}:${canary.credentialId}`,
        form,
        line,
      });
      break;
    }
  }
  return leaks;
}

/** Every regular file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** Searches every file under `dirs` (and the extra texts) for every canary; returns the leaks and how much was read. */
export async function scanForCanaries(
  dirs: readonly string[],
  keys: readonly CanaryKey[],
  extra: readonly { name: string; text: string }[] = [],
): Promise<{ leaks: Leak[]; files: number; bytes: number }> {
  const leaks: Leak[] = [];
  let files = 0;
  let bytes = 0;
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      const info = await stat(file).catch(() => undefined);
      if (info === undefined) continue;
      const text = await readFile(file, "latin1").catch(() => "");
      files += 1;
      bytes += info.size;
      leaks.push(...findLeaks(text, file, keys));
    }
  }
  for (const { name, text } of extra) {
    files += 1;
    bytes += text.length;
    leaks.push(...findLeaks(text, name, keys));
  }
  return { leaks, files, bytes };
}
