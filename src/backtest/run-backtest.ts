import { type BacktestConfigInput, backtestConfigSchema } from './config-schema.js';
import { type BacktestInput, type BacktestResult, monthlyReturns, simulate } from './engine.js';
import { ObjectLog } from './run-log.js';
import { drawdownSeries, performanceStats } from './stats.js';

/**
 * The full result: every rebalance's trades and holdings as objects. Apart from `simulate` (engine.ts)
 * because it parses its config: a sweep's workers simulate on parsed configs and load no schema library.
 */
export function runBacktest(input: BacktestInput, rawConfig: BacktestConfigInput = {}): BacktestResult {
  const log = new ObjectLog();
  const run = simulate(input, backtestConfigSchema.parse(rawConfig), log);
  const { startRow, endRow, dayText, equity, benchmarkEquity, indexEquity } = run;
  const days = dayText.slice(startRow, endRow + 1);
  return {
    dataSource: 'alpha',
    config: run.config,
    start: dayText[startRow]!,
    end: dayText[endRow]!,
    symbols: input.panel.symbols.length,
    stats: run.stats,
    benchmark: run.benchmark,
    days,
    equity: Array.from(equity),
    benchmarkEquity: Array.from(benchmarkEquity),
    index:
      input.index && indexEquity
        ? {
            symbol: input.index.symbol,
            stats: performanceStats(indexEquity, input.panel.days.subarray(startRow, endRow + 1)),
            equity: Array.from(indexEquity),
          }
        : null,
    drawdown: Array.from(drawdownSeries(equity)),
    rebalances: log.rebalances,
    exits: log.exits,
    monthly: monthlyReturns(input.panel.days, startRow, endRow, equity, benchmarkEquity),
    sectorExposure: run.sectorExposure,
  };
}
