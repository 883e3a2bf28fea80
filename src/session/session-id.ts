// Session ids and entry ids: what a valid session id is (checked before it becomes a path)
// and how new ids are made. Pure apart from the random source.
import { randomBytes, randomUUID } from "node:crypto";
import { SessionError } from "./session-errors.ts";

/** Letters, digits, `_` and `-`, 1 to 128 characters, starting with a letter or digit. */
const sessionIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Why `id` is not a valid session id, or undefined when it is. */
export function sessionIdProblem(id: string): string | undefined {
  if (typeof id !== "string" || id.length === 0) return "a session id must be a non-empty string";
  if (id.length > 128) return `a session id is at most 128 characters (got ${id.length})`;
  if (!sessionIdPattern.test(id)) {
    return `session id ${JSON.stringify(id)} may contain only letters, digits, '_' and '-', and must start with a letter or digit`;
  }
  return undefined;
}

/** Throws `invalid_session_id` unless `id` is safe to use as a file name. */
export function assertSessionId(id: string): string {
  const problem = sessionIdProblem(id);
  if (problem !== undefined) throw new SessionError("invalid_session_id", problem);
  return id;
}

export function newSessionId(): string {
  return randomUUID();
}

/** 64 random bits as 16 hex characters: collisions are negligible at millions of entries. */
export function newEntryId(): string {
  return randomBytes(8).toString("hex");
}
