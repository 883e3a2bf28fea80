// Keeps API keys out of everything Baton writes: provider messages sometimes echo part of the
// key ("Incorrect API key provided: sk-abc...xyz"), so every text that leaves an adapter
// passes through here.

const keyShapes = /\b(sk|pk|rk|sess|gsk|xai|AIza)[-_A-Za-z0-9*]{6,}/g;

/** Removes the exact key and anything shaped like a provider key from a text. */
export function redactSecrets(text: string, key?: string): string {
  const withoutKey = key !== undefined && key.length >= 4 ? text.split(key).join("[redacted]") : text;
  return withoutKey.replace(keyShapes, "[redacted]");
}
