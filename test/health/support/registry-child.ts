// A child process for the file registry tests. Modes:
//   cooldowns <file> <name> <count> <seed>: records `count` cooldowns on its own keys and on one
//     shared key, awaiting each write; after each, checks the shared key never went backwards
//     (exit 3 if it did). Prints {"maxShared": <ms>} on stdout.
//   claim <file> <owner> <at>: tries to take the half-open probe of the shared key; prints true/false.
import { FileHealthRegistry } from "../../../src/health/file-health-registry.ts";
import { type HealthKey, healthKeyId } from "../../../src/health/health-key.ts";

const [mode, file, name, countOrAt, seedText] = process.argv.slice(2);
const registry = new FileHealthRegistry({ path: file as string, lock: { timeoutMs: 20_000 } });
export const shared: HealthKey = { kind: "credential", provider: "openai", credentialId: "openai:shared" };
const base = Date.UTC(2026, 0, 15, 13);
const rule = { baseMs: 1_000, capMs: 60_000 };

if (mode === "claim") {
  const at = Number(countOrAt);
  console.log(JSON.stringify(await registry.claimProbe(shared, name as string, at, 60_000)));
} else {
  let state = Number(seedText) >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  let maxShared = 0;
  for (let index = 0; index < Number(countOrAt); index += 1) {
    const own: HealthKey = {
      kind: "credential-model",
      provider: "openai",
      credentialId: `${name}`,
      model: `m${index}`,
    };
    const until = base + Math.floor(random() * 3_600_000);
    maxShared = Math.max(maxShared, until);
    await registry.record([
      { type: "cooldown", key: own, at: base, reason: "rate_limit", rule, until: base + 1_000 * (index + 1) },
      { type: "cooldown", key: shared, at: base, reason: "quota_exhausted", rule, until },
    ]);
    const seen = (await registry.read([shared])).get(healthKeyId(shared))?.until ?? 0;
    if (seen < maxShared) {
      console.error(`shared cooldown went backwards: saw ${seen}, wrote ${maxShared}`);
      process.exit(3);
    }
  }
  console.log(JSON.stringify({ maxShared }));
}
