import { z } from 'zod';
import { type BacktestResult, backtestConfigSchema } from './engine.js';

/**
 * The stored form of a backtest result (result.json), for the API, the database and the web app.
 * `parseBacktestResult` checks a file read back from disk; the type check below keeps the schema and
 * the engine's interfaces in step.
 */
const performanceSchema = z.object({
  totalReturn: z.number(),
  cagr: z.number(),
  volatility: z.number(),
  sharpe: z.number(),
  sortino: z.number(),
  maxDrawdown: z.number(),
});

const tradeSchema = z.object({
  symbol: z.string(),
  quantity: z.number(),
  price: z.number(),
  commission: z.number(),
});

// Fields added later default, so results stored before them still read back.
export const backtestResultSchema = z.object({
  dataSource: z.literal('alpha'),
  config: backtestConfigSchema,
  start: z.string(),
  end: z.string(),
  symbols: z.number().int(),
  stats: performanceSchema.extend({
    turnoverPerRebalance: z.number(),
    hitRate: z.number(),
    totalCommission: z.number(),
    rebalances: z.number().int(),
    exits: z.number().int().default(0),
  }),
  benchmark: performanceSchema,
  days: z.array(z.string()),
  equity: z.array(z.number()),
  benchmarkEquity: z.array(z.number()),
  index: z
    .object({ symbol: z.string(), stats: performanceSchema, equity: z.array(z.number()) })
    .nullable()
    .default(null),
  drawdown: z.array(z.number()),
  rebalances: z.array(
    z.object({
      date: z.string(),
      decisionDate: z.string(),
      equity: z.number(),
      turnover: z.number(),
      commission: z.number(),
      trades: z.array(tradeSchema),
      holdings: z.array(z.object({ symbol: z.string(), shares: z.number(), weight: z.number() })),
      sectors: z.record(z.string(), z.number()),
    }),
  ),
  exits: z.array(tradeSchema.extend({ date: z.string() })).default([]),
  monthly: z.array(z.object({ month: z.string(), strategy: z.number(), benchmark: z.number() })),
  sectorExposure: z.record(z.string(), z.number()),
});

// Compile-time check that the schema and the engine's result type describe the same object.
type Stored = z.infer<typeof backtestResultSchema>;
const _storedFromResult = (result: BacktestResult): Stored => result;
const _resultFromStored = (stored: Stored): BacktestResult => stored;
void _storedFromResult;
void _resultFromStored;

export function parseBacktestResult(json: unknown): BacktestResult {
  return backtestResultSchema.parse(json);
}
