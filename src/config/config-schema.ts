// The schema of baton.config.json / .yaml (zod). Every object is strict, so an unknown key is
// an error (with a "did you mean" from config-error.ts). Defaults live here, next to the field
// they belong to; README.md's config reference describes the same fields.
import { z } from "zod";
import { reasoningEfforts } from "../providers/model-stream.ts";
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
  /** Reasoning effort for this model when the turn does not set one. */
  reasoning: z.enum(reasoningEfforts).optional(),
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

const cooldownSchema = z.strictObject({ baseMs: positiveMs.optional(), capMs: positiveMs.optional() });

/**
 * Failover policy knobs. Everything is optional: defaults live in src/failover/policy.ts
 * (`defaultPolicy`), so the library and the config file cannot disagree.
 */
export const policySchema = z.strictObject({
  deadlineMs: positiveMs.optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  maxRetriesPerTarget: z.number().int().min(0).max(10).optional(),
  waitBudgetMs: z.number().int().min(0).optional(),
  backoff: z
    .strictObject({
      baseMs: positiveMs.optional(),
      capMs: positiveMs.optional(),
      fastMs: positiveMs.optional(),
    })
    .optional(),
  cooldowns: z
    .strictObject({
      rate_limit: cooldownSchema.optional(),
      quota_exhausted: cooldownSchema.optional(),
      billing: cooldownSchema.optional(),
      auth: cooldownSchema.optional(),
      permission: cooldownSchema.optional(),
      model_not_found: cooldownSchema.optional(),
    })
    .optional(),
  breaker: z
    .strictObject({
      threshold: z.number().int().min(1).optional(),
      providerThreshold: z.number().int().min(1).optional(),
      windowMs: positiveMs.optional(),
      baseMs: positiveMs.optional(),
      capMs: positiveMs.optional(),
      probeLeaseMs: positiveMs.optional(),
    })
    .optional(),
  commitMode: z.enum(["forward", "hold"]).optional(),
  allowFallbackOnContentPolicy: z.boolean().optional(),
  allowFallbackOnInvalidRequest: z.boolean().optional(),
  /** Default per-attempt timers; a model's own `timers` override them field by field. */
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
