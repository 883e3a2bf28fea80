// The resolved chain the failover engine receives: providers with their credential ids (never
// keys: the ModelCaller resolves a credential id to a key), the ordered model candidates with
// their per-model options, and their expansion into concrete targets, candidate by candidate,
// each candidate through each of its provider's credentials in order.
import { enclosingKeys, type HealthKey } from "../health/health-key.ts";
import type { ModelTarget, ModelTimers, ReasoningEffort } from "../providers/model-stream.ts";
import type { WireProtocol } from "../providers/wire-protocol.ts";

export interface ChainCredential {
  /** Names the credential in traces and health, e.g. `openai:work`. Never the key. */
  readonly id: string;
  /**
   * Optional, non-secret: changes when the credential's configuration changes (e.g. the first
   * hex digits of a hash of the key). Health recorded under another revision does not apply, so
   * fixing a rejected key ends its auth cooldown at once. Never the key itself.
   */
  readonly revision?: string;
}

export interface ChainProvider {
  readonly id: string;
  readonly api: WireProtocol;
  /** Tried in this order. At least one. */
  readonly credentials: readonly ChainCredential[];
}

export interface ModelOptions {
  /** Per-attempt timers the adapter enforces (reasoning models need a long first-token timer). */
  readonly timers?: ModelTimers;
  /** Tokens; used after a context overflow to pick a candidate with a larger window. */
  readonly contextWindow?: number;
  /** True when the target continues a partial answer sent as a trailing assistant message. */
  readonly acceptsPrefill?: boolean;
  /** Reasoning effort for this model when the request does not set one. */
  readonly reasoning?: ReasoningEffort;
}

export interface ChainCandidate {
  readonly provider: string;
  readonly model: string;
  readonly options?: ModelOptions;
}

export interface ResolvedChain {
  readonly name: string;
  readonly providers: readonly ChainProvider[];
  /** In order of preference. */
  readonly candidates: readonly ChainCandidate[];
}

/** One concrete place to send a request, with what the engine needs to know about it. */
export interface ExpandedTarget {
  /** Position in the expanded list. */
  readonly index: number;
  /** Position of its candidate in the chain. */
  readonly candidateIndex: number;
  readonly target: ModelTarget;
  readonly revision?: string;
  readonly options: ModelOptions;
  /** Its enclosing health keys, widest first. */
  readonly keys: readonly HealthKey[];
}

export class ChainError extends Error {
  override readonly name = "ChainError";
}

/** Checks a chain and names the first problem: `chain "x": candidate 2 (foo/bar) names unknown provider "foo"`. */
export function validateChain(chain: ResolvedChain): void {
  const where = `chain "${chain.name}"`;
  if (chain.candidates.length === 0) throw new ChainError(`${where} has no candidates`);
  const seen = new Set<string>();
  for (const provider of chain.providers) {
    if (seen.has(provider.id)) throw new ChainError(`${where}: provider "${provider.id}" is listed twice`);
    seen.add(provider.id);
    if (provider.credentials.length === 0) {
      throw new ChainError(`${where}: provider "${provider.id}" has no credentials`);
    }
    const ids = new Set(provider.credentials.map((credential) => credential.id));
    if (ids.size !== provider.credentials.length) {
      throw new ChainError(`${where}: provider "${provider.id}" lists a credential id twice`);
    }
  }
  chain.candidates.forEach((candidate, index) => {
    if (!seen.has(candidate.provider)) {
      throw new ChainError(
        `${where}: candidate ${index + 1} (${candidate.provider}/${candidate.model}) names unknown provider "${candidate.provider}"`,
      );
    }
  });
}

/** Candidates x credentials, in order: every credential of the first candidate, then the next candidate. */
export function expandCandidates(chain: ResolvedChain): readonly ExpandedTarget[] {
  validateChain(chain);
  const providers = new Map(chain.providers.map((provider) => [provider.id, provider]));
  const targets: ExpandedTarget[] = [];
  chain.candidates.forEach((candidate, candidateIndex) => {
    const provider = providers.get(candidate.provider) as ChainProvider;
    for (const credential of provider.credentials) {
      const target: ModelTarget = {
        provider: provider.id,
        api: provider.api,
        model: candidate.model,
        credentialId: credential.id,
      };
      const keyed =
        credential.revision === undefined ? { ...target } : { ...target, revision: credential.revision };
      const expanded: ExpandedTarget = {
        index: targets.length,
        candidateIndex,
        target,
        options: candidate.options ?? {},
        keys: enclosingKeys(keyed),
        ...(credential.revision === undefined ? {} : { revision: credential.revision }),
      };
      targets.push(expanded);
    }
  });
  return targets;
}

/** `openai/gpt-5.5`. */
export function modelLabel(target: { provider: string; model: string }): string {
  return `${target.provider}/${target.model}`;
}

/** `openai/gpt-5.5 via openai:work`. */
export function targetLabel(target: ModelTarget): string {
  return `${target.provider}/${target.model} via ${target.credentialId}`;
}
