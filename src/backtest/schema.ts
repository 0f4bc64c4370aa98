import { z } from 'zod';
import { BacktestStats, ExitTrade, PerformanceStats, Rebalance } from '../contract/research.js';
import { backtestConfigSchema } from './config-schema.js';
import type { BacktestResult } from './engine.js';

/**
 * The stored form of a backtest result (result.json), for the API, the database and the web app.
 * `parseBacktestResult` checks a file read back from disk; the type check below keeps the schema and
 * the engine's interfaces in step. Its statistics, rebalances and trades are the API contract's
 * (src/contract/research.ts), so the stored file and the API answer cannot drift apart.
 */
// Fields added later default, so results stored before them still read back.
export const backtestResultSchema = z.object({
  dataSource: z.literal('alpha'),
  config: backtestConfigSchema,
  start: z.string(),
  end: z.string(),
  symbols: z.number().int(),
  stats: BacktestStats.extend({ exits: BacktestStats.shape.exits.default(0) }),
  benchmark: PerformanceStats,
  days: z.array(z.string()),
  equity: z.array(z.number()),
  benchmarkEquity: z.array(z.number()),
  index: z
    .object({ symbol: z.string(), stats: PerformanceStats, equity: z.array(z.number()) })
    .nullable()
    .default(null),
  drawdown: z.array(z.number()),
  rebalances: z.array(Rebalance),
  exits: z.array(ExitTrade).default([]),
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
