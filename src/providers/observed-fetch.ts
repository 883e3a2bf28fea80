// The fetch Baton injects into the AI SDK: records the raw facts of the HTTP exchange
// (status, headers, transport error code) as they happen, and tells the attempt's timers
// when headers arrive. It adds no retries and changes nothing on the wire.
import type { FetchFunction } from "./create-language-model.ts";

export interface FetchObservation {
  status?: number;
  headers?: Record<string, string>;
  transportCode?: string;
}

/** Finds a Node/undici error code (ECONNRESET, UND_ERR_SOCKET, ...) anywhere in a cause chain. */
export function transportCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name.toLowerCase()] = value;
  });
  return record;
}

export function observedFetch(
  base: FetchFunction,
  observation: FetchObservation,
  onHeaders: () => void,
): FetchFunction {
  return async (input, init) => {
    try {
      const response = await base(input, init);
      observation.status = response.status;
      observation.headers = headersToRecord(response.headers);
      onHeaders();
      return response;
    } catch (error) {
      const code = transportCodeOf(error);
      if (code !== undefined) observation.transportCode = code;
      throw error;
    }
  };
}
