/**
 * Parameter sweeps over a project's research universe (POST /api/projects/:id/sweeps, GET
 * /api/sweeps/:id, POST /api/sweeps/:id/rerun). Pure zod: the web app imports these types.
 *
 * A sweep is one job; its result lists every point with its statistics, the hash that names the
 * point (its parameters, the shared settings and the data) and the hash of its full result, so a
 * rerun of one point can prove it reproduces bit for bit. The best of many backtests is optimistic
 * (multiple testing): the UI states that next to the table.
 */
import { z } from 'zod';

const dayText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD');
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'give at least one value').max(50, 'at most 50 values');

export const SWEEP_WEIGHTINGS = ['equal', 'score', 'inverse_volatility'] as const;
export const SWEEP_COMMISSIONS = ['ib-fixed', 'ib-tiered', 'zero'] as const;
/** Statistics a sweep table can be sorted by (all numeric fields of a point's stats). */
export const SWEEP_STATS = [
  'cagr',
  'totalReturn',
  'volatility',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'turnoverPerRebalance',
  'hitRate',
  'totalCommission',
  'rebalances',
  'exits',
] as const;
export type SweepStat = (typeof SWEEP_STATS)[number];

/** The grid: every combination of these lists is one backtest (at most 1000). */
export const SweepGridBody = z
  .object({
    /** Expression signals, e.g. `ret(130, 5)` or `ret(126) / vol(63)`; checked by the server. */
    signal: list(z.string().trim().min(1, 'must not be empty').max(1000)).default(['ret(130, 5)']),
    topN: list(z.number().int().min(1).max(10_000)).default([20]),
    weighting: list(
      z.enum(SWEEP_WEIGHTINGS, { error: `must be one of ${SWEEP_WEIGHTINGS.join(', ')}` }),
    ).default(['equal']),
    maxWeight: list(z.number().gt(0).max(1)).default([0.1]),
    sectorCap: list(z.number().gt(0).max(1)).default([1]),
    weekday: list(z.number().int().min(1).max(5)).default([1]),
  })
  .strict();

export const SweepRequest = z
  .object({
    grid: SweepGridBody.default(SweepGridBody.parse({})),
    initialCash: z.number().positive().max(1e12).default(1_000_000),
    tradeAt: z.enum(['open', 'close'], { error: 'must be open or close' }).default('open'),
    slippageBps: z.number().min(0).max(1000).default(5),
    lotSize: z.number().int().min(1).max(1_000_000).default(1),
    commission: z
      .enum(SWEEP_COMMISSIONS, { error: `must be one of ${SWEEP_COMMISSIONS.join(', ')}` })
      .default('ib-fixed'),
    start: dayText.optional(),
    end: dayText.optional(),
    /** Worker threads; default: the machine's parallelism. */
    workers: z.number().int().min(0).max(64).optional(),
  })
  .strict()
  .refine((body) => !(body.start && body.end && body.start > body.end), {
    message: 'must not be before start',
    path: ['end'],
  });
export type SweepRequestBody = z.input<typeof SweepRequest>;

export const SweepPoint = z.object({
  signal: z.string(),
  topN: z.number(),
  weighting: z.enum(SWEEP_WEIGHTINGS),
  maxWeight: z.number(),
  sectorCap: z.number(),
  weekday: z.number(),
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const SweepRow = z.object({
  pointHash: z.string(),
  point: SweepPoint,
  stats: z.object(
    Object.fromEntries(SWEEP_STATS.map((stat) => [stat, z.number()])) as Record<SweepStat, z.ZodNumber>,
  ),
  benchmarkCagr: z.number(),
  resultHash: z.string(),
});
export type SweepRow = z.infer<typeof SweepRow>;

export const SweepResponse = z.object({
  /** The sweep's job id. */
  id: z.number(),
  projectId: z.number(),
  projectVersion: z.number(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number(),
  dataDigest: z.string().nullable(),
  /** Empty until the job has succeeded. */
  rows: z.array(SweepRow),
});
export type SweepResponse = z.infer<typeof SweepResponse>;

export const SweepRerunRequest = z
  .object({ pointHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a point hash (64 hex digits)') })
  .strict();

export const SweepRerunResponse = z.object({
  pointHash: z.string(),
  /** The sweep's stored result hash of the point and the one of this rerun. */
  expectedResultHash: z.string(),
  resultHash: z.string(),
  reproduced: z.boolean(),
  row: SweepRow,
});
export type SweepRerunResponse = z.infer<typeof SweepRerunResponse>;
