// A session store that sends each session to one of several stores by its id. The soak's
// workers use it to give the sessions only they share a short turn-lease timeout (so a frozen
// worker's session is taken over and its turn fenced within the run) while the sessions they
// share with gateway processes keep the default one: a lease's staleness is judged by the
// timeout of the process that wants it, so processes sharing a session must agree on it.
import type { SessionStore } from "../src/session/index.ts";

export function routedStore(route: (id: string) => SessionStore, fallback: SessionStore): SessionStore {
  return {
    create: (id) => (id === undefined ? fallback.create() : route(id).create(id)),
    open: (id, options) => route(id).open(id, options),
    list: () => fallback.list(),
    appendNote: (id, note) => route(id).appendNote(id, note),
    compact: (id, summarise, options) => route(id).compact(id, summarise, options),
    verify: (id) => route(id).verify(id),
    repair: (id) => route(id).repair(id),
    importTranscript: (file, options) => fallback.importTranscript(file, options),
  };
}
