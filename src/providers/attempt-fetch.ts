// Which attempt an SDK request belongs to. SDK model objects are cached and share one fetch;
// the attempt runs its SDK call inside `currentAttempt`, and the shared fetch observes the HTTP
// exchange (status, headers, transport error) into that attempt's facts and stops its connect
// timer when headers arrive.
import { AsyncLocalStorage } from "node:async_hooks";
import type { AttemptFacts } from "./attempt-failure.ts";
import type { FetchFunction } from "./create-language-model.ts";
import { observedFetch } from "./observed-fetch.ts";

/**
 * The facts of the attempt whose request is being sent. SDK model objects are built once per
 * (provider, model, key) and share one fetch, which finds its attempt here.
 */
export const currentAttempt = new AsyncLocalStorage<AttemptFacts>();

/** The fetch every cached SDK model uses: observes the exchange for the attempt in progress. */
export function attemptAwareFetch(baseFetch: FetchFunction): FetchFunction {
  return (input, init) => {
    const facts = currentAttempt.getStore();
    if (facts === undefined) return baseFetch(input, init);
    return observedFetch(baseFetch, facts.observation, () => facts.control.headersArrived())(input, init);
  };
}
