// Public surface of the fault-injecting provider simulator: start one, load and validate
// scenarios, read the error catalogue, and the canonical reply that answers are compared to.

export { isLoopbackHost } from "../net/loopback.ts";
export {
  type CatalogueEntry,
  catalogueIds,
  type ErrorAlias,
  type ErrorContext,
  type ErrorFamily,
  errorAliases,
  errorCatalogue,
  errorNames,
  familyOf,
  type InStreamForm,
  resolveError,
} from "./error-catalogue.ts";
export { inStreamError, responsesFailure } from "./error-shapes.ts";
export { canonicalReplyText, canonicalThinkingText, thinkingSignature, tokenize } from "./reply-plan.ts";
export type { SimulatorLogEntry } from "./request-log.ts";
export { loadScenarioFile } from "./scenario-file.ts";
export {
  type Fault,
  type FaultMatch,
  type FaultRule,
  faultSchema,
  matchSchema,
  parseScenario,
  type ReplyConfig,
  replySchema,
  type Scenario,
  ScenarioError,
  scenarioSchema,
} from "./scenario-schema.ts";
export { type Simulator, type SimulatorOptions, startSimulator } from "./simulator-server.ts";
