import { z } from 'zod';
import { MODEL_FAMILIES, validateSignal } from '../alpha/index.js';
import { constructionParamsSchema } from '../portfolio/index.js';
import { DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES, preTradeLimitsSchema } from '../risk/index.js';

/** A share above 0 and at most `max` (weights of net liquidation, loss limits). */
const cap = (max: number) =>
  z.number({ error: 'must be a number' }).gt(0, 'must be above 0').max(max, `must be at most ${max}`);

/** The pre-trade limits a project sets; the weight caps are the project's own fields of `risk`. */
const PRE_TRADE_PARAMS = preTradeLimitsSchema.omit({
  maxPositionWeight: true,
  maxSectorWeight: true,
  maxGrossExposure: true,
});

/**
 * Everything that decides what a project trades. Each saved change becomes a new immutable version;
 * backtests and trade runs record the version they used.
 */
export const projectParamsSchema = z
  .object({
    /** The universe: the union of these themes' members. */
    themeIds: z.array(z.number().int().positive()).min(1, 'pick at least one theme').max(50),
    model: z
      .object({
        family: z
          .enum(MODEL_FAMILIES, { error: `must be one of ${MODEL_FAMILIES.join(', ')}` })
          .default('rule'),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(42),
        /**
         * Expression features (e.g. `ret(126) / vol(63)`), model inputs after the built-in features:
         * stored with the version, so its backtests and live decisions compute the same inputs.
         */
        expressions: z
          .array(
            z
              .string({ error: 'must be text' })
              .trim()
              .min(1, 'must not be empty')
              .superRefine((text, context) => {
                try {
                  validateSignal(text);
                } catch (error) {
                  context.addIssue({
                    code: 'custom',
                    message: error instanceof Error ? error.message.replace(/^signal: /, '') : String(error),
                  });
                }
              }),
          )
          .max(20, 'at most 20 expressions')
          .default([]),
      })
      .strict()
      .default({ family: 'rule', seed: 42, expressions: [] }),
    portfolio: constructionParamsSchema.strict().default(constructionParamsSchema.parse({})),
    schedule: z
      .object({
        frequency: z.literal('weekly').default('weekly'),
        /** ISO weekday of the rebalance, 1 = Monday; the first trading day on or after it in that week. */
        weekday: z.number().int().min(1).max(5).default(1),
        minutesAfterOpen: z.number().int().min(0).max(389).default(30),
      })
      .strict()
      .default({ frequency: 'weekly', weekday: 1, minutesAfterOpen: 30 }),
    risk: z
      .object({
        maxPositionWeight: cap(1).default(0.1),
        maxSectorWeight: cap(1).default(0.4),
        maxGrossExposure: cap(2).default(1),
        maxDailyLoss: cap(1).default(0.05),
        /** Pre-trade limits besides the three caps above (src/risk/pretrade, docs/risk.md). */
        ...PRE_TRADE_PARAMS.shape,
        /** Intraday monitor: drawdown from the high-water mark of net liquidation that triggers. */
        maxDrawdown: z.number().gt(0).max(1).default(0.15),
        /** Warn at this share of the way to a trigger (0.8 = at 80% of the limit). */
        warningAt: z.number().gt(0).max(1).default(0.8),
        /** What a drawdown trigger does; a daily-loss trigger always halts. */
        drawdownAction: z
          .enum(['REDUCING', 'HALTED'], { error: 'must be REDUCING or HALTED' })
          .default('HALTED'),
        /** Optional defensive move when the monitor halts the project: to cash, or into one asset. */
        defensive: z
          .object({
            action: z
              .enum(['none', 'cash', 'asset'], { error: 'must be none, cash or asset' })
              .default('none'),
            symbol: z
              .string()
              .trim()
              .toUpperCase()
              .regex(/^[A-Z][A-Z0-9.]{0,11}$/, 'must be a ticker symbol')
              .optional(),
            /**
             * Minutes after the halt the move waits for another run's orders still out at the broker
             * before it asks the broker again and alerts; it keeps waiting after (docs/risk-pretrade.md).
             */
            maxWaitMinutes: z
              .number({ error: 'must be a number' })
              .int('must be a whole number of minutes')
              .min(1, 'must be at least 1 minute')
              .max(1440, 'must be at most 1440 minutes (a day)')
              .default(DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES),
          })
          .strict()
          .refine((d) => d.action !== 'asset' || d.symbol !== undefined, {
            path: ['symbol'],
            message: 'name the defensive asset',
          })
          .prefault({}),
      })
      .strict()
      // prefault: a version saved before a field existed gets every field's own default.
      .prefault({}),
    /** Live decisions: what to do with universe symbols whose IB daily bars are missing or stale. */
    decision: z
      .object({
        /** drop: leave the symbol out, with the reason recorded in the snapshot; fail: refuse to decide. */
        missingBars: z.enum(['drop', 'fail'], { error: 'must be drop or fail' }).default('drop'),
        /** Trading days a symbol's last bar may lag the decision close before it counts as stale. */
        maxStaleDays: z
          .number({ error: 'must be a number' })
          .int('must be an integer')
          .min(0)
          .max(20)
          .default(0),
      })
      .strict()
      .prefault({}),
    /** The weekly run: retries, time-outs, the trading window and what to do with leftovers and failures. */
    pipeline: z
      .object({
        /** Further attempts of a failed step (0 = one attempt only). */
        retries: z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(10).default(2),
        /** Wait before the first retry; doubled for each further one. */
        backoffMs: z
          .number({ error: 'must be a number' })
          .int('must be an integer')
          .min(0)
          .max(600_000)
          .default(5_000),
        /** Longest one attempt of a step may take (the monitor step runs until the window closes instead). */
        stepTimeoutMs: z
          .number({ error: 'must be a number' })
          .int('must be an integer')
          .min(1_000, 'must be at least 1000 ms')
          .max(3_600_000, 'must be at most one hour')
          .default(300_000),
        /** Time-outs of single steps, overriding `stepTimeoutMs` (the monitor step ends with the window). */
        stepTimeoutsMs: z
          .partialRecord(
            z.enum(['checklist', 'decide', 'plan', 'risk', 'submit', 'report'], {
              error: 'must be a step name: checklist, decide, plan, risk, submit or report',
            }),
            z
              .number({ error: 'must be a number' })
              .int('must be an integer')
              .min(1_000, 'must be at least 1000 ms')
              .max(3_600_000, 'must be at most one hour'),
          )
          .default({}),
        /** The run's window closes this many minutes before the close (early closes included). */
        windowCloseMinutesBeforeClose: z
          .number({ error: 'must be a number' })
          .int('must be an integer')
          .min(0)
          .max(360)
          .default(30),
        leftover: z
          .enum(['cancel', 'reprice', 'leave'], { error: 'must be cancel, reprice or leave' })
          .default('cancel'),
        fallback: z
          .enum(['last-good', 'stand-still'], { error: 'must be last-good or stand-still' })
          .default('stand-still'),
        /**
         * Share of the run's orders IB may reject; above it the run stops trading and follows the
         * fallback policy (a broken decision or account, not bad luck on a few symbols).
         */
        maxRejectedShare: z
          .number({ error: 'must be a number' })
          .min(0, 'must be at least 0')
          .max(1, 'must be at most 1')
          .default(0.2),
      })
      .strict()
      .default({
        retries: 2,
        backoffMs: 5_000,
        stepTimeoutMs: 300_000,
        stepTimeoutsMs: {},
        windowCloseMinutesBeforeClose: 30,
        leftover: 'cancel',
        fallback: 'stand-still',
        maxRejectedShare: 0.2,
      }),
    execution: z
      .object({
        orderType: z.enum(['MKT', 'LMT'], { error: 'must be MKT or LMT' }).default('MKT'),
        limitOffsetBps: z.number().min(0).max(500).default(10),
        minTradeValue: z.number().min(0).default(100),
      })
      .strict()
      .default({ orderType: 'MKT', limitOffsetBps: 10, minTradeValue: 100 }),
  })
  .strict();

export type ProjectParams = z.infer<typeof projectParamsSchema>;
export type ProjectParamsInput = z.input<typeof projectParamsSchema>;
