// The shape every wire renderer has, and the server-sent-events encoding they share. A
// renderer turns a reply plan into a non-streaming body or into an ordered list of frames;
// frames are labelled so stream faults can count tokens and find the terminator without
// knowing the protocol. Pure.
import type { WireProtocol } from "../providers/wire-protocol.ts";
import type { CatalogueEntry, ErrorContext } from "./error-shapes.ts";
import type { ReplyPlan } from "./reply-plan.ts";

/** One server-sent event. `token` frames carry output; the `terminator` frame ends the stream. */
export interface Frame {
  readonly kind: "structure" | "token" | "terminator";
  readonly event?: string;
  readonly data: string;
}

/** Identity of one reply, shared by its body and its frames. */
export interface ReplyMeta {
  readonly id: string;
  readonly model: string;
  /** Epoch seconds. */
  readonly created: number;
  /** OpenAI Chat `stream_options.include_usage`. */
  readonly includeUsage: boolean;
}

export interface StreamErrorOptions {
  /** Responses API: which events carry the error. */
  readonly responsesEvent: "error" | "response.failed" | "both";
  /** Sequence number of the first error event (Responses API). */
  readonly sequence: number;
  readonly meta: ReplyMeta;
}

export interface WireRenderer {
  readonly api: WireProtocol;
  /** Prefix of reply ids (`chatcmpl-`, `resp_`, `msg_`). */
  readonly idPrefix: string;
  readonly streamContentType: string;
  readonly jsonContentType: string;
  body(plan: ReplyPlan, meta: ReplyMeta): unknown;
  frames(plan: ReplyPlan, meta: ReplyMeta): Frame[];
  errorFrames(entry: CatalogueEntry, context: ErrorContext, options: StreamErrorOptions): Frame[];
}

/** Encodes a frame as SSE text. */
export function encodeFrame(frame: Frame): string {
  return `${frame.event === undefined ? "" : `event: ${frame.event}\n`}data: ${frame.data}\n\n`;
}

/** A corrupted copy of a frame: its data cut in half, so it no longer parses. */
export function corruptFrame(frame: Frame): Frame {
  const cut = Math.max(1, Math.floor(frame.data.length / 2));
  return {
    kind: "structure",
    ...(frame.event === undefined ? {} : { event: frame.event }),
    data: frame.data.slice(0, cut),
  };
}

/** A JSON data frame. */
export function jsonFrame(kind: Frame["kind"], data: unknown, event?: string): Frame {
  return { kind, ...(event === undefined ? {} : { event }), data: JSON.stringify(data) };
}
