import { z } from 'zod';
import { constructionParamsSchema } from '../portfolio/construction-schema.js';
import { parseDay } from '../sources/alpha/days.js';

/**
 * A backtest's settings as callers give them, validated with defaults filled in: `runBacktest` and a
 * sweep parse them, the backtest itself (`simulate`) takes them parsed. Their own module, so that what
 * only simulates (a sweep's workers) loads no schema library.
 */

/**
 * IB-like commission (IBKR Pro, US stocks): per share, with a minimum per order and a maximum as a
 * fraction of trade value, charged on the real share count and price of the day (never on
 * split-adjusted units, where a 2002 AAPL share is worth $0.38). Exchange and regulatory fees are left
 * out.
 */
export const commissionSchema = z.object({
  perShare: z.number().min(0).default(0.005),
  minimum: z.number().min(0).default(1),
  maxFraction: z.number().min(0).default(0.01),
});
export type CommissionParams = z.infer<typeof commissionSchema>;

const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((text) => parseDay(text) !== undefined, 'not a calendar day');

export const backtestConfigSchema = z.object({
  initialCash: z.number().positive().default(1_000_000),
  tradeAt: z.enum(['open', 'close']).default('open'),
  slippageBps: z.number().min(0).max(1000).default(5),
  commission: commissionSchema.default({ perShare: 0.005, minimum: 1, maxFraction: 0.01 }),
  lotSize: z.number().int().positive().default(1),
  minOrderValue: z.number().min(0).default(0),
  construction: constructionParamsSchema.default(constructionParamsSchema.parse({})),
  /** Recorded, not interpreted: the project parameter version and model version behind the run. */
  projectVersion: z.string().nullable().default(null),
  modelVersion: z.string().nullable().default(null),
  dataDigest: z.string().nullable().default(null),
  /** Recorded: the expression signal that scored the run instead of a model (see alpha's parseSignal). */
  signal: z.string().nullable().default(null),
  /** First day the backtest may hold anything (the first rebalance decides on or after it). */
  start: dayText.nullable().default(null),
  /** Last day valued; later rebalances are not run. */
  end: dayText.nullable().default(null),
});
export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
export type BacktestConfigInput = z.input<typeof backtestConfigSchema>;
