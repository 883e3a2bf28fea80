// All invariant checkers in the order the report prints them: the eight first, then
// the supporting ones the cross-checks rely on. Each is a pure function of the evidence.
import type { Evidence } from "../evidence.ts";
import type { InvariantResult } from "../invariant.ts";
import { checkAnswersComplete } from "./answers-complete.ts";
import { checkAttemptsClassified } from "./attempts-classified.ts";
import { checkConversationsAccepted } from "./conversations-accepted.ts";
import { checkCooldownsRespected } from "./cooldowns-respected.ts";
import { checkEntriesOnce } from "./entries-once.ts";
import { checkNoSecrets } from "./no-secrets.ts";
import { checkProcessesHealthy } from "./processes-healthy.ts";
import { checkRequestsAccounted } from "./requests-accounted.ts";
import { checkRuntimeIsolated } from "./runtime-isolated.ts";
import { checkSessionsVerify } from "./sessions-verify.ts";
import { checkToolsOnce } from "./tools-once.ts";
import { checkTurnsEnded } from "./turns-ended.ts";

export const checkers: readonly ((evidence: Evidence) => InvariantResult)[] = [
  checkTurnsEnded,
  checkAttemptsClassified,
  checkRuntimeIsolated,
  checkCooldownsRespected,
  checkToolsOnce,
  checkEntriesOnce,
  checkSessionsVerify,
  checkAnswersComplete,
  checkNoSecrets,
  checkConversationsAccepted,
  checkRequestsAccounted,
  checkProcessesHealthy,
];

export function checkAll(evidence: Evidence): InvariantResult[] {
  return checkers.map((check) => check(evidence));
}
