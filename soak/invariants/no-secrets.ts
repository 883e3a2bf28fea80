// Invariant: no secret in any log, trace or transcript. Every process ran with its own canary
// keys; every file the run produced (worker logs, stdout/stderr captures, traces, transcripts,
// archives, quarantine payloads decoded, side files, the health file, the simulator's log) was
// searched for each key, its random core and its masked echo.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkNoSecrets(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder("no-secrets", "no secret in any log, trace or transcript", "files");
  builder.check(evidence.scanned.files);
  builder.note(`bytes searched for ${evidence.keys.length} canary keys`, evidence.scanned.bytes);
  for (const leak of evidence.leaks)
    builder.fail({
      slot: leak.slot,
      message: `${leak.form === "key" ? "the key" : leak.form === "core" ? "part of the key" : "the masked key"} of ${leak.slot} ${leak.credential} found in ${leak.file}:${leak.line}`,
    });
  return builder.result();
}
