/**
 * The weekly backtest: the same stages as live trading (scores -> portfolio construction -> sizing),
 * deciding at the close before each rebalance day and filling at that day's open (or close), with
 * IB-like commissions and slippage. Results are plain JSON (`backtestResultSchema`) with equity,
 * drawdown, statistics, an equal-weight benchmark, holdings and trades per rebalance, monthly returns
 * and sector exposure; `resultHash` proves bit-for-bit reproducibility, `exportBacktest` writes CSVs
 * and `FileBacktestStore` keeps results under `<dataRoot>/backtests/<id>/`.
 */
export { type CommissionParams, commissionSchema, ibCommission } from './costs.js';
export {
  type BacktestConfig,
  type BacktestConfigInput,
  type BacktestInput,
  type BacktestResult,
  type BacktestStats,
  backtestConfigSchema,
  type Holding,
  type MonthlyReturn,
  type Rebalance,
  type RiskStage,
  runBacktest,
  type Trade,
} from './engine.js';
export { prepareResearch, type ResearchData } from './prepare.js';
export {
  equityCsv,
  exportBacktest,
  holdingsCsv,
  rebalancesCsv,
  resultHash,
  summaryCsv,
  tradesCsv,
} from './report.js';
export { backtestResultSchema, parseBacktestResult } from './schema.js';
export { drawdownSeries, type PerformanceStats, performanceStats } from './stats.js';
export { type BacktestStore, type BacktestSummary, FileBacktestStore } from './store.js';
