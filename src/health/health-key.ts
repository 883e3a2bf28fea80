// Health keys: the four places a failure is remembered (provider, provider/credential,
// provider/model, provider/credential/model), their stable string ids and their human labels.
// Pure. A key never holds a secret: a credential is named by its id, plus an optional
// non-secret revision that changes when the credential's configuration changes.

export type HealthKeyKind = "provider" | "credential" | "model" | "credential-model";

export interface HealthKey {
  readonly kind: HealthKeyKind;
  readonly provider: string;
  /** Set for `credential` and `credential-model` keys. */
  readonly credentialId?: string;
  /** The credential's configuration revision; health under another revision does not apply. */
  readonly revision?: string;
  /** Set for `model` and `credential-model` keys. */
  readonly model?: string;
}

/** What a health key is derived from: one concrete target. */
export interface KeyedTarget {
  readonly provider: string;
  readonly model: string;
  readonly credentialId: string;
  readonly revision?: string;
}

function encode(part: string): string {
  return encodeURIComponent(part).replaceAll("*", "%2A");
}

/**
 * The key's id: `provider/credential/model` with `*` for a part the key does not cover, each
 * part URI-encoded (model names may contain `/`). Example: `openai/*\/gpt-5.5`.
 */
export function healthKeyId(key: HealthKey): string {
  const credential =
    key.credentialId === undefined
      ? "*"
      : key.revision === undefined
        ? encode(key.credentialId)
        : `${encode(key.credentialId)}@${encode(key.revision)}`;
  return `${encode(key.provider)}/${credential}/${key.model === undefined ? "*" : encode(key.model)}`;
}

/** For people: `openai`, `openai (credential openai:work)`, `openai/gpt-5.5`, `openai/gpt-5.5 (credential openai:work)`. */
export function healthKeyLabel(key: HealthKey): string {
  const where = key.model === undefined ? key.provider : `${key.provider}/${key.model}`;
  return key.credentialId === undefined ? where : `${where} (credential ${key.credentialId})`;
}

function credentialPart(target: KeyedTarget): { credentialId: string; revision?: string } {
  return target.revision === undefined
    ? { credentialId: target.credentialId }
    : { credentialId: target.credentialId, revision: target.revision };
}

export function providerKey(provider: string): HealthKey {
  return { kind: "provider", provider };
}

export function credentialKey(target: KeyedTarget): HealthKey {
  return { kind: "credential", provider: target.provider, ...credentialPart(target) };
}

export function modelKey(target: KeyedTarget): HealthKey {
  return { kind: "model", provider: target.provider, model: target.model };
}

export function credentialModelKey(target: KeyedTarget): HealthKey {
  return {
    kind: "credential-model",
    provider: target.provider,
    ...credentialPart(target),
    model: target.model,
  };
}

/** Every key that encloses a target, widest first. The target is available only if none is cooling. */
export function enclosingKeys(target: KeyedTarget): readonly HealthKey[] {
  return [providerKey(target.provider), credentialKey(target), modelKey(target), credentialModelKey(target)];
}
