// Which candidates a gateway request runs on. The body's `model` is `baton/<chain>` (a
// configured chain; `baton` alone is the default chain) or a direct `provider/model`; the
// body's `fallbacks` (same forms) and the `x-baton-chain` header (a chain name) add candidates
// after it, in that order, duplicates dropped. Unknown names are refused before any request
// is sent, naming the field. Whether a provider's key is set is the turn's concern (a 500).

import { didYouMean } from "../config/did-you-mean.ts";
import type { RuntimeConfig } from "../config/resolve-runtime.ts";
import { GatewayError, invalidRequest } from "./gateway-error.ts";

/** A named chain as is, or an ad-hoc list of `provider/model` references. */
export type ModelRoute =
  | { readonly kind: "chain"; readonly chain: string }
  | { readonly kind: "candidates"; readonly candidates: readonly string[] };

export interface RouteInput {
  readonly model: string;
  readonly fallbacks?: readonly string[] | null;
  /** The `x-baton-chain` header. */
  readonly chainHeader?: string | null;
}

const chainPrefix = "baton";

function defaultChainName(runtime: RuntimeConfig): string | undefined {
  return runtime.config.defaultChain ?? Object.keys(runtime.config.chains)[0];
}

/** The references one model name stands for, or why it names nothing. */
function expand(runtime: RuntimeConfig, name: string): { chain?: string; references: string[] } | string {
  const chains = runtime.config.chains;
  if (name === chainPrefix || name.startsWith(`${chainPrefix}/`)) {
    const chain = name === chainPrefix ? defaultChainName(runtime) : name.slice(chainPrefix.length + 1);
    const references = chain === undefined ? undefined : chains[chain];
    if (chain === undefined || references === undefined) {
      const known = Object.keys(chains);
      return `no chain named '${chain ?? ""}'${didYouMean(chain ?? "", known)}; configured: ${known.map((id) => `baton/${id}`).join(", ") || "none"}`;
    }
    return { chain, references: [...references] };
  }
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) {
    return `expected 'baton/<chain>' or 'provider/model', got '${name}'`;
  }
  const provider = name.slice(0, slash);
  const providers = Object.keys(runtime.config.providers);
  if (!providers.includes(provider)) {
    return `unknown provider '${provider}'${didYouMean(provider, providers)}; configured: ${providers.join(", ") || "none"}`;
  }
  return { references: [name] };
}

/**
 * Resolves a request's model, fallbacks and chain header.
 * @example
 * routeOf(runtime, { model: "openai/gpt-5.5", fallbacks: ["baton/cheap"] });
 * // { kind: "candidates", candidates: ["openai/gpt-5.5", "deepseek/deepseek-v4-pro", ...] }
 */
export function routeOf(runtime: RuntimeConfig, input: RouteInput): ModelRoute {
  const primary = expand(runtime, input.model);
  if (typeof primary === "string") {
    throw new GatewayError(`model '${input.model}': ${primary}`, {
      status: 404,
      type: "not_found_error",
      code: "model_not_found",
      param: "model",
      baton: { reason: "model_not_found", scope: "request" },
      headers: { "x-should-retry": "false" },
    });
  }
  const extra: string[] = [];
  (input.fallbacks ?? []).forEach((name, index) => {
    const expanded = expand(runtime, name);
    if (typeof expanded === "string")
      throw invalidRequest(`fallbacks[${index}]: ${expanded}`, `fallbacks[${index}]`);
    extra.push(...expanded.references);
  });
  const header = input.chainHeader?.trim();
  if (header !== undefined && header !== "") {
    const expanded = expand(runtime, `${chainPrefix}/${header}`);
    if (typeof expanded === "string") throw invalidRequest(`x-baton-chain: ${expanded}`, "x-baton-chain");
    extra.push(...expanded.references);
  }
  if (primary.chain !== undefined && extra.length === 0) return { kind: "chain", chain: primary.chain };
  return { kind: "candidates", candidates: [...new Set([...primary.references, ...extra])] };
}
