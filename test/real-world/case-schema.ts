// The shape of one real-world case file (test/real-world/cases/*.json): a recorded provider
// response, where it came from, and what Baton should make of it. Validated with zod on load;
// an error names the file, the case and the field. This module owns the format only; serving
// a case is replay-server.ts, judging the outcome is replay-judge.ts.
import { z } from "zod";
import { failureReasons } from "../../src/failover/failure.ts";
import { wireProtocols } from "../../src/providers/wire-protocol.ts";

const scopes = [
  "attempt",
  "credential+model",
  "model",
  "credential",
  "provider",
  "request",
  "runtime",
] as const;

/** How long Baton should wait / cool for, as the classifier reports it. */
export const waitSchema = z.discriminatedUnion("kind", [
  /** The reason takes no hint at all (auth, invalid_request, context_overflow...). */
  z.object({ kind: z.literal("none") }).strict(),
  /** A hint is present but must be ignored (zero, negative, sentinel): the policy's default applies. */
  z.object({ kind: z.literal("policy-default") }).strict(),
  /** Wait this long from the moment of the response (ms). */
  z.object({ kind: z.literal("after"), ms: z.number().int().nonnegative() }).strict(),
  /** Cool until this absolute time (ISO 8601). */
  z.object({ kind: z.literal("until"), at: z.iso.datetime({ offset: true }) }).strict(),
]);
export type ExpectedWait = z.infer<typeof waitSchema>;

const failureExpectation = z
  .object({
    reason: z.enum(failureReasons),
    scope: z.enum(scopes),
    wait: waitSchema,
  })
  .strict();

const answeredExpectation = z
  .object({
    reason: z.literal("answered"),
    /** The full text the caller must receive. */
    text: z.string(),
  })
  .strict();

export const expectationSchema = z.union([failureExpectation, answeredExpectation]);
export type Expectation = z.infer<typeof expectationSchema>;

/** One piece of the response body: bytes, optionally repeated with a pause before each copy. */
const segmentSchema = z
  .object({
    text: z.string(),
    /** Pause before writing this segment (ms); keep it small, the corpus must stay fast. */
    delayMs: z.number().int().nonnegative().max(500).optional(),
    repeat: z.number().int().positive().max(200).optional(),
  })
  .strict();
export type Segment = z.infer<typeof segmentSchema>;

export const caseKinds = [
  "http-error",
  "success",
  "in-stream-error",
  "cut-stream",
  "keep-alive",
  "malformed-stream",
] as const;

export const caseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "lower-case letters, digits, '.' and '-'"),
    /** Who sent it, as shown in the table (e.g. "openai", "codex", "azure-openai", "claude-subscription"). */
    provider: z.string().min(1),
    /** Baton's wire protocol for this backend. */
    api: z.enum(wireProtocols),
    /** The Baton preset that applies (src/providers/presets.ts), or null when none does. */
    preset: z.string().nullable(),
    kind: z.enum(caseKinds),
    source: z
      .object({
        /** Issue / pull request address, or https://github.com/OWNER/REPO/blob/COMMIT/PATH. */
        url: z.url(),
        /** What exactly was taken from it and how (verbatim, reassembled from a log line...). */
        note: z.string().min(1),
      })
      .strict(),
    /** The moment the response was received (ISO); classification runs with this as `now`. */
    receivedAt: z.iso.datetime({ offset: true }),
    /** Per-attempt timers for the request (short ones keep the corpus fast). */
    timers: z
      .object({
        connectMs: z.number().int().positive().optional(),
        firstTokenMs: z.number().int().positive().optional(),
        idleMs: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    response: z
      .object({
        status: z.number().int().min(100).max(599),
        headers: z.record(z.string(), z.string()),
        /** The exact body: a string, or segments (pauses, repeated keep-alive comments). */
        body: z.union([z.string(), z.array(segmentSchema).min(1)]),
        /** How the body ends: `clean` (complete), `close` (connection closed early: FIN), `reset` (RST). */
        ending: z.enum(["clean", "close", "reset"]),
      })
      .strict(),
    expect: expectationSchema,
    /** Other outcomes that are also right, when the documentation leaves it open. */
    acceptable: z.array(expectationSchema).optional(),
    /** The documentation or thread that justifies the expectation (and the alternatives). */
    why: z.string().min(1),
    /** What Baton's design cannot express about this response, if anything. */
    designGap: z.string().optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.acceptable !== undefined && value.acceptable.length === 0) {
      context.addIssue({ code: "custom", path: ["acceptable"], message: "omit it instead of an empty list" });
    }
  });
export type RealWorldCase = z.infer<typeof caseSchema>;

export const caseFileSchema = z.array(caseSchema).min(1);
