// The schema of baton.config.json / .yaml (zod). Every object is strict, so an unknown key is
// an error (with a "did you mean" from config-error.ts). Defaults live here, next to the field
// they belong to; README.md's config reference describes the same fields.
import { z } from "zod";
import { wireProtocols } from "../providers/wire-protocol.ts";

const positiveMs = z.number().int().positive();

export const timersSchema = z.strictObject({
  connectMs: positiveMs.optional(),
  firstTokenMs: positiveMs.optional(),
  idleMs: positiveMs.optional(),
});

export const credentialSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' or '-'"),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
      .optional(),
    apiKey: z.string().min(1).optional(),
  })
  .refine((credential) => (credential.apiKeyEnv === undefined) !== (credential.apiKey === undefined), {
    message: "exactly one of 'apiKeyEnv' or 'apiKey'",
  });

export const modelOptionsSchema = z.strictObject({
  timers: timersSchema.optional(),
  contextWindow: z.number().int().positive().optional(),
  acceptsPrefill: z.boolean().optional(),
});

export const providerSchema = z.strictObject({
  preset: z.string().optional(),
  api: z.enum(wireProtocols).optional(),
  baseUrl: z.url().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  credentials: z.array(credentialSchema).default([]),
  models: z.record(z.string(), modelOptionsSchema).default({}),
});

const modelReference = z.string().regex(/^[^/\s]+\/\S+$/, "a 'provider/model' reference");

export const policySchema = z.strictObject({
  deadlineMs: positiveMs.default(120_000),
  maxAttempts: z.number().int().min(1).max(100).default(8),
  maxRetriesPerTarget: z.number().int().min(0).max(10).default(2),
  waitBudgetMs: z.number().int().min(0).default(10_000),
  backoffBaseMs: positiveMs.default(250),
  backoffCapMs: positiveMs.default(8_000),
  breakerThreshold: z.number().int().min(1).default(3),
  commitMode: z.enum(["forward", "hold"]).default("forward"),
  fallbackOnContentPolicy: z.boolean().default(false),
  fallbackOnInvalidRequest: z.boolean().default(false),
  timers: timersSchema.default({ connectMs: 10_000, firstTokenMs: 60_000, idleMs: 30_000 }),
});

export const sessionsSchema = z.strictObject({
  dir: z.string().min(1).default(".baton/sessions"),
  durability: z.enum(["always", "turn-end", "never"]).default("turn-end"),
});

export const healthSchema = z.strictObject({
  file: z.string().min(1).default(".baton/health.json"),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  providers: z.record(
    z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' or '-'"),
    providerSchema,
  ),
  chains: z.record(z.string(), z.array(modelReference).min(1, "at least one 'provider/model'")),
  defaultChain: z.string().optional(),
  policy: policySchema.default(policySchema.parse({})),
  sessions: sessionsSchema.default(sessionsSchema.parse({})),
  health: healthSchema.default(healthSchema.parse({})),
});

export type BatonConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;
