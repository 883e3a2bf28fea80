// Supporting invariant: no Baton process died on its own. The soak kills and freezes processes
// on purpose; any other exit (a crash, an unhandled error) is a failure, shown with its exit code.
import type { Evidence } from "../evidence.ts";
import { InvariantBuilder, type InvariantResult } from "../invariant.ts";

export function checkProcessesHealthy(evidence: Evidence): InvariantResult {
  const builder = new InvariantBuilder(
    "processes-healthy",
    "no Baton process crashed (only soak kills)",
    "processes",
  );
  for (const incarnation of evidence.incarnations) {
    builder.check();
    builder.note(`${incarnation.kind} incarnations ${incarnation.end}`);
    if (incarnation.freezes.length > 0) builder.note("freezes (SIGSTOP/SIGCONT)", incarnation.freezes.length);
    if (incarnation.end === "crashed")
      builder.fail({
        slot: incarnation.slot,
        inc: incarnation.inc,
        message: `${incarnation.kind} ${incarnation.slot}.${incarnation.inc} exited on its own (code ${incarnation.exitCode}, signal ${incarnation.signal}); stderr: ${incarnation.stderrFile}`,
      });
  }
  if (evidence.tornRecords > 0) builder.note("worker log lines torn by SIGKILL", evidence.tornRecords);
  return builder.result();
}
