/**
 * Decision snapshots: the frozen decision a trade run executes, its verification and parity with a
 * recomputation. Pure zod, shared with the web app.
 */
import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const weightRecord = z.record(z.string(), z.number());

export const SNAPSHOT_KINDS = ['model', 'manual', 'fallback'] as const;
export const SNAPSHOT_SOURCES = ['ib', 'manual', 'snapshot'] as const;
export const CUT_REASONS = ['RISK_MAX_POSITION', 'RISK_MAX_SECTOR', 'RISK_MAX_GROSS'] as const;
export const DROP_REASONS = ['BARS_MISSING', 'BARS_STALE'] as const;

export const barDigestSchema = z.object({
  symbol: z.string(),
  first: z.string(),
  last: z.string(),
  rows: z.number().int(),
  hash: z.string(),
});

/** Everything a decision is, hashed as canonical JSON (sorted keys) into the snapshot's content hash. */
export const snapshotContentSchema = z.object({
  schema: z.literal('decision-snapshot/1'),
  kind: z.enum(SNAPSHOT_KINDS),
  projectId: z.number().int(),
  projectVersion: z.number().int(),
  tradingDate: day,
  /** The close the decision used (the trading day before the trading date). */
  asOf: day,
  modelVersion: z.string().nullable(),
  dataSource: z.enum(SNAPSHOT_SOURCES),
  /** Per symbol: the exact IB daily bars read. */
  inputs: z.array(barDigestSchema),
  dropped: z.array(
    z.object({ symbol: z.string(), reason: z.enum(DROP_REASONS), lastBar: z.string().nullable() }),
  ),
  /** Eligible symbols only. */
  scores: weightRecord,
  sectors: z.record(z.string(), z.string()),
  /** Weights held before the decision (the previous snapshot's), the turnover limit's start. */
  previousWeights: weightRecord,
  previousSnapshotId: z.number().int().nullable(),
  /** After portfolio construction, before the risk stage (non-zero only). */
  weightsBefore: weightRecord,
  /** What execution trades (non-zero only). */
  weightsAfter: weightRecord,
  cuts: z.array(
    z.object({ symbol: z.string(), before: z.number(), after: z.number(), reason: z.enum(CUT_REASONS) }),
  ),
  /** The project parameters of `projectVersion`, all of them. */
  params: z.record(z.string(), z.unknown()),
  supersedes: z.object({ id: z.number().int(), hash: z.string(), reason: z.string() }).nullable(),
  manual: z.object({ fileHash: z.string(), actor: z.string() }).nullable(),
  fallback: z
    .object({ sourceSnapshotId: z.number().int(), sourceHash: z.string(), reason: z.string() })
    .nullable(),
});
export type SnapshotContent = z.infer<typeof snapshotContentSchema>;

export const snapshotSchema = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  projectVersion: z.number().int(),
  tradingDate: z.string(),
  kind: z.enum(SNAPSHOT_KINDS),
  modelVersion: z.string().nullable(),
  dataSource: z.enum(SNAPSHOT_SOURCES),
  supersedesId: z.number().int().nullable(),
  contentHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  content: snapshotContentSchema,
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotSummarySchema = snapshotSchema.omit({ content: true }).extend({
  symbols: z.number().int(),
  /** Superseded by a later re-decision. */
  superseded: z.boolean(),
});
export type SnapshotSummary = z.infer<typeof snapshotSummarySchema>;

export const snapshotVerifySchema = z.object({
  id: z.number().int(),
  ok: z.boolean(),
  storedHash: z.string(),
  computedHash: z.string(),
  /** Codes: HASH_MISMATCH, COLUMN_MISMATCH:<column>, CONTENT_INVALID. */
  problems: z.array(z.string()),
});
export type SnapshotVerify = z.infer<typeof snapshotVerifySchema>;

export const parityDifferenceSchema = z.object({
  /** inputs | scores | weightsBefore | weightsAfter | asOf | dropped */
  field: z.string(),
  symbol: z.string().nullable(),
  stored: z.unknown(),
  recomputed: z.unknown(),
});

export const parityResultSchema = z.object({
  runId: z.number().int(),
  snapshotId: z.number().int(),
  kind: z.enum(SNAPSHOT_KINDS),
  /** False for manual and fallback snapshots: there is no model decision to recompute. */
  recomputable: z.boolean(),
  equal: z.boolean(),
  compared: z.object({ scores: z.number().int(), weights: z.number().int() }),
  firstDifference: parityDifferenceSchema.nullable(),
});
export type ParityResult = z.infer<typeof parityResultSchema>;

export const snapshotIdParams = z.object({
  id: z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive'),
});
export const projectIdParams = snapshotIdParams;
export const runIdParams = snapshotIdParams;

export const decideBodySchema = z
  .object({
    /** The trading date; default: the next trading day on or after today (New York). */
    date: day.optional(),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type DecideBody = z.input<typeof decideBodySchema>;

export const decideResponseSchema = z.object({
  /** Null on a dry run: nothing stored. */
  snapshot: snapshotSchema.nullable(),
  /** True when this call stored a new snapshot; false when it returned the existing one. */
  created: z.boolean(),
  content: snapshotContentSchema,
  contentHash: z.string(),
});
export type DecideResponse = z.infer<typeof decideResponseSchema>;

export const redecideBodySchema = z
  .object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) })
  .strict();

export const snapshotListSchema = z.object({ snapshots: z.array(snapshotSummarySchema) });
