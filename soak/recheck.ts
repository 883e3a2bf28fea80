// Checks a kept soak run again (`npm run soak -- --out DIR` keeps it): re-reads the logs,
// sessions and the simulator log in DIR and prints the invariant table. For working on the
// checkers without re-running the load. The canary search is skipped: the keys were never
// written to disk.
//   npx node soak/recheck.ts DIR
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { SimRequest } from "./attribution.ts";
import { collectEvidence } from "./collect.ts";
import { checkAll } from "./invariants/index.ts";
import { formatReport } from "./report.ts";
import { reproduction } from "./reproduce.ts";
import type { RecheckMeta } from "./soak.ts";

const dir = process.argv[2];
if (dir === undefined || dir === "-h" || dir === "--help") {
  process.stdout.write(
    "Usage: npx node soak/recheck.ts DIR   (a folder kept with npm run soak -- --out DIR)\n",
  );
  process.exit(dir === undefined ? 2 : 0);
}
const workDir = resolve(dir);
const meta = JSON.parse(await readFile(join(workDir, "recheck.json"), "utf8")) as RecheckMeta;
const requests = JSON.parse(await readFile(join(workDir, "simulator-log.json"), "utf8")) as SimRequest[];
const evidence = await collectEvidence({
  seed: meta.seed,
  workDir,
  logsDir: join(workDir, "logs"),
  sessionsDir: join(workDir, "sessions"),
  sessions: meta.sessions,
  workerSlots: meta.workerSlots,
  gatewaySlots: meta.gatewaySlots,
  incarnations: meta.incarnations,
  keys: meta.keys.map((key) => ({ ...key, key: "", core: "" })),
  requests,
  scan: false,
});
const results = checkAll(evidence);
const turns = evidence.turns.length;
process.stdout.write(
  `${formatReport(results, { seed: meta.seed, minutes: 0, workers: meta.workerSlots.length, gateways: meta.gatewaySlots.length, sessions: meta.sessions.length, turns, requests: requests.length, kills: 0, freezes: 0, restarts: 0, faultRules: 0, elapsedMs: 0 })}\n(re-check: the canary search was not repeated)\n`,
);
const failed = results.some((result) => result.violations.length > 0);
if (failed) {
  const options = {
    seed: meta.seed,
    minutes: 0,
    workers: meta.workerSlots.length,
    gateways: meta.gatewaySlots.length,
  };
  process.stdout.write(`\n${reproduction({ options, results, evidence })}\n`);
}
process.exit(failed ? 1 : 0);
