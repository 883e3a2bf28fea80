// Where and how to reach one configured provider: the resolved form of a config entry that
// the adapters use. Holds no secrets; keys are looked up per attempt by credential id.
import { defaultSdkFor, findPreset, type ProviderQuirks, type SdkFamily } from "./presets.ts";
import type { WireProtocol } from "./wire-protocol.ts";

export interface ProviderEndpoint {
  /** The provider's name in the config and in `provider/model` references. */
  readonly id: string;
  readonly api: WireProtocol;
  readonly baseUrl: string;
  readonly sdk: SdkFamily;
  readonly quirks: ProviderQuirks;
  /** Extra request headers (never credentials). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds an endpoint from a preset name and/or explicit protocol and base URL. */
export function resolveEndpoint(options: {
  id: string;
  preset?: string;
  api?: WireProtocol;
  baseUrl?: string;
  headers?: Record<string, string>;
}): ProviderEndpoint {
  const preset = findPreset(options.preset ?? options.id);
  const api = options.api ?? preset?.api;
  const baseUrl = options.baseUrl ?? preset?.baseUrl;
  if (api === undefined || baseUrl === undefined) {
    throw new Error(`provider '${options.id}': no preset of that name, so 'api' and 'baseUrl' are required`);
  }
  const samePreset = preset !== undefined && preset.api === api;
  return {
    id: options.id,
    api,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    sdk: samePreset ? preset.sdk : defaultSdkFor(api),
    quirks: samePreset ? preset.quirks : {},
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
}
