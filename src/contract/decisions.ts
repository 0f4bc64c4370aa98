/**
 * Decision snapshots: the frozen decision a trade run executes, its verification and parity with a
 * recomputation. Pure zod, shared with the web app.
 */
import { z } from 'zod';
import { messageSchema } from './messages.js';
import { StateCause } from './risk.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const weightRecord = z.record(z.string(), z.number());

export const SNAPSHOT_KINDS = ['model', 'manual', 'fallback', 'defensive'] as const;
export const SNAPSHOT_SOURCES = ['ib', 'manual', 'snapshot', 'risk'] as const;
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
    .object({
      sourceSnapshotId: z.number().int(),
      sourceHash: z.string(),
      /** In English (logs, API users). */
      reason: z.string(),
      /** The reason as a catalogued message (absent on snapshots frozen before it was kept). */
      reasonText: messageSchema.optional(),
    })
    .nullable(),
  /**
   * A halt's defensive move (kind `defensive`): the project's policy and the halt it answers
   * (`haltKey` = scope@time the state went HALTED, so one halt gets one move). Absent on other kinds.
   */
  defensive: z
    .object({
      action: z.enum(['cash', 'asset']),
      symbol: z.string().nullable(),
      haltKey: z.string(),
      /** The halt's reason in English, or a person's own words. */
      reason: z.string(),
      /** What the monitor measured when it halted (absent for a person's halt and older snapshots). */
      cause: StateCause.nullable().optional(),
    })
    .optional(),
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

// ---- parity against the research backtest (Alpha data) ----------------------------------------

/** Path parameters of GET /api/runs/:id/parity/alpha (no query, no body). */
export const alphaParityParams = runIdParams;

/**
 * One symbol of the run's universe: the live decision (the snapshot, IB bars) beside the research
 * backtest's decision for the same date (Alpha bars of the research store, the same model and
 * parameters), with the close prices of both sources that explain a gap.
 */
export const alphaParitySymbolSchema = z.object({
  symbol: z.string(),
  sector: z.string().nullable(),
  /** Null: not scored (not eligible, or no bars in that source). */
  liveScore: z.number().nullable(),
  alphaScore: z.number().nullable(),
  /** Weights after the risk stage; 0 = not held. */
  liveWeight: z.number(),
  alphaWeight: z.number(),
  /** alphaWeight - liveWeight. */
  weightGap: z.number(),
  /** The decision close (asOf): IB's close (split-adjusted, what live features use). */
  ibClose: z.number().nullable(),
  /** Alpha's raw close and its split- and dividend-adjusted close (what research features use). */
  alphaClose: z.number().nullable(),
  alphaAdjustedClose: z.number().nullable(),
  /** (alphaAdjustedClose - ibClose) / ibClose on asOf. */
  closeDiff: z.number().nullable(),
  /** Days both sources have a bar, from the first IB bar the decision read through asOf. */
  days: z.number().int(),
  /** Of those, days whose closes (IB close against Alpha adjusted close) are not equal. */
  daysDiffering: z.number().int(),
  /** Days one source has and the other has not, in that window. */
  daysMissing: z.number().int(),
  /** Largest |relative close difference| over the window, and its day. */
  maxCloseDiff: z.number().nullable(),
  maxCloseDiffDay: z.string().nullable(),
});
export type AlphaParitySymbol = z.infer<typeof alphaParitySymbolSchema>;

export const alphaParityResultSchema = z.object({
  against: z.literal('alpha'),
  runId: z.number().int(),
  snapshotId: z.number().int(),
  tradingDate: day,
  asOf: day,
  modelVersion: z.string(),
  /** The research side's data: the Alpha store's digest of the symbols compared. */
  alphaDataDigest: z.string(),
  /** Weights after the risk stage equal bit for bit (same symbols, same float values). */
  weightsEqual: z.boolean(),
  /** One-way turnover from the live weights to the research ones: 0.5 x sum |gap|. */
  turnoverGap: z.number(),
  /** Sorted by |weightGap| (largest first), then symbol. */
  symbols: z.array(alphaParitySymbolSchema),
});
export type AlphaParityResult = z.infer<typeof alphaParityResultSchema>;
