// The errors the session store throws. Each keeps the facts a user needs (file, line, holder,
// side file) and carries a `Symbol.for` marker so checks survive two copies of the package.
// Holds no logic beyond building messages; it decides nothing about retrying.

const sessionErrorMarker = Symbol.for("baton.session-error");
const sessionConflictMarker = Symbol.for("baton.session-conflict");

export type SessionErrorCode =
  | "invalid_session_id"
  | "session_not_found"
  | "session_exists"
  | "not_a_session"
  | "unsupported_version"
  | "session_corrupt"
  | "session_busy"
  | "lock_timeout"
  | "invalid_entry"
  | "import_failed"
  | "session_conflict";

export interface SessionErrorOptions {
  readonly file?: string;
  /** 1-based line number in `file`. */
  readonly line?: number;
  readonly cause?: unknown;
}

/** Any failure of the session store that is about the session, not a bug. */
export class SessionError extends Error {
  override readonly name: string = "SessionError";
  readonly code: SessionErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly [sessionErrorMarker] = true;

  constructor(code: SessionErrorCode, message: string, options: SessionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
  }

  static isInstance(value: unknown): value is SessionError {
    return typeof value === "object" && value !== null && sessionErrorMarker in value;
  }
}

/** A corrupt line in the middle of a transcript: load fails and names the repair command. */
export class SessionCorruptError extends SessionError {
  override readonly name: string = "SessionCorruptError";
  readonly repairCommand: string;

  constructor(message: string, options: SessionErrorOptions & { readonly repairCommand: string }) {
    const where =
      options.file === undefined
        ? ""
        : `${options.file}${options.line === undefined ? "" : `:${options.line}`}: `;
    super("session_corrupt", `${where}${message}. Run \`${options.repairCommand}\` to repair it.`, options);
    this.repairCommand = options.repairCommand;
  }
}

export interface LeaseHolderInfo {
  readonly turnId: string;
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAt: string;
  readonly token: number;
}

/** Another turn holds the session's lease and the caller asked not to wait (or gave up). */
export class SessionBusyError extends SessionError {
  override readonly name: string = "SessionBusyError";
  readonly holder: LeaseHolderInfo;

  constructor(sessionId: string, holder: LeaseHolderInfo, waited: boolean) {
    super(
      "session_busy",
      `session busy: turn ${holder.turnId} held by pid ${holder.pid}${holder.hostname === "" ? "" : ` on ${holder.hostname}`} since ${holder.acquiredAt} (session ${sessionId}${waited ? ", gave up waiting" : ""})`,
    );
    this.holder = holder;
  }
}

/**
 * A turn whose lease was taken over tried to write. Nothing reached the transcript; what it
 * tried to write is in `sideFile`. Reason `session_conflict`, scope `runtime`: never counted
 * against a model or credential.
 */
export class SessionConflictError extends SessionError {
  override readonly name: string = "SessionConflictError";
  readonly reason = "session_conflict" as const;
  readonly scope = "runtime" as const;
  readonly sideFile?: string;
  readonly token: number;
  readonly currentToken: number;
  readonly [sessionConflictMarker] = true;

  constructor(
    sessionId: string,
    details: { token: number; currentToken: number; turnId: string; sideFile?: string; holderPid?: number },
  ) {
    const holder = details.holderPid === undefined ? "" : ` held by pid ${details.holderPid}`;
    const saved = details.sideFile === undefined ? "" : `; its output was saved to ${details.sideFile}`;
    super(
      "session_conflict",
      `session ${sessionId}: turn ${details.turnId} lost its lease (token ${details.token}, the session is now at token ${details.currentToken}${holder})${saved}`,
    );
    this.token = details.token;
    this.currentToken = details.currentToken;
    if (details.sideFile !== undefined) this.sideFile = details.sideFile;
  }

  static override isInstance(value: unknown): value is SessionConflictError {
    return typeof value === "object" && value !== null && sessionConflictMarker in value;
  }
}
