// Invariant: every session verifies (`store.verify`: header, JSON, seq order, unique ids,
// parents and first-kept entries that resolve, archive length, no torn tail). Quarantined torn
// tails and fenced side files are expected after SIGKILLs and freezes; they are counted.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkSessionsVerify(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder("sessions-verify", "every session verifies", "sessions");
  for (const session of evidence.sessions) {
    builder.check();
    if (!session.verify.ok || session.unparsable > 0)
      builder.fail({
        sessionId: session.id,
        message: `session ${session.id} does not verify: ${session.verify.problems.map((problem) => `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`} ${problem.message}`).join("; ") || `${session.unparsable} unparsable line(s)`}`,
      });
    builder.note("entries across all sessions (transcripts + archives)", session.entries.length);
    if (session.quarantineRecords > 0)
      builder.note("quarantine records (torn tails moved aside)", session.quarantineRecords);
    if (session.sideFiles.length > 0) builder.note("fenced side files", session.sideFiles.length);
    for (const note of session.verify.notes) builder.note(`verify notes: ${note.replace(/\d+/g, "N")}`);
  }
  return builder.result();
}
