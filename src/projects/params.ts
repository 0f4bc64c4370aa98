import { z } from 'zod';
import { MODEL_FAMILIES } from '../alpha/index.js';
import { constructionParamsSchema } from '../portfolio/index.js';

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
      })
      .strict()
      .default({ family: 'rule', seed: 42 }),
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
        maxPositionWeight: z.number().gt(0).max(1).default(0.1),
        maxSectorWeight: z.number().gt(0).max(1).default(0.4),
        maxGrossExposure: z.number().gt(0).max(2).default(1),
        maxDailyLoss: z.number().gt(0).max(1).default(0.05),
      })
      .strict()
      .default({ maxPositionWeight: 0.1, maxSectorWeight: 0.4, maxGrossExposure: 1, maxDailyLoss: 0.05 }),
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
