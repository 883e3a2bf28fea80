// Baton's public library API. Kept small: everything exported here is documented in README.md.
export type { Failure, FailureReason, FailureScope } from "./failover/failure.ts";
export type { ProviderFailure } from "./providers/provider-failure.ts";
export type { WireProtocol } from "./providers/wire-protocol.ts";
