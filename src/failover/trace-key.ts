// Turns a health key into the form the trace shows: its parts without the credential
// revision, and a label for people.
import { type HealthKey, healthKeyLabel } from "../health/health-key.ts";
import type { TraceKey } from "../trace/trace-event.ts";

export function toTraceKey(key: HealthKey): TraceKey {
  let traced: TraceKey = { kind: key.kind, provider: key.provider, label: healthKeyLabel(key) };
  if (key.credentialId !== undefined) traced = { ...traced, credentialId: key.credentialId };
  if (key.model !== undefined) traced = { ...traced, model: key.model };
  return traced;
}
