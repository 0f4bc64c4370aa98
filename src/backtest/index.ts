/**
 * The weekly backtest: the same stages as live trading (scores -> portfolio construction -> sizing),
 * deciding at the close before each rebalance day and filling at that day's open (or close), with
 * IB-like commissions and slippage. Results are plain JSON (`backtestResultSchema`) with equity,
 * drawdown, statistics, an equal-weight benchmark, holdings and trades per rebalance, monthly returns
 * and sector exposure; `resultHash` proves bit-for-bit reproducibility, `exportBacktest` writes CSVs
 * and `FileBacktestStore` keeps results under `<dataRoot>/backtests/<id>/`.
 *
 * Sizing, lots and commissions use the day's real shares and prices (returns stay on adjusted prices);
 * holdings whose bars end are sold on their last day (`exits`); `decideWeights` is the per-rebalance
 * decision; `restrictToMembership` makes a universe point-in-time; `alignIndex` adds a market index
 * benchmark; `runSweep` backtests a parameter grid in worker threads, which `SweepWorkerPool` keeps
 * loaded and compiled from one sweep to the next (docs/research.md).
 * `replayDecisions` (parity only, docs/decisions.md) runs the same backtest on the IB bars live
 * decisions were made on and returns each rebalance's weights; it is the one way a backtest takes IB data.
 */

export { backtestConfigSchema, commissionSchema } from './config-schema.js';
export {
  COMMISSION_PRESET_NAMES,
  COMMISSION_PRESETS,
  type CommissionParams,
  type CommissionPreset,
  ibCommission,
} from './costs.js';
export {
  type BacktestConfig,
  type BacktestConfigInput,
  type BacktestInput,
  type BacktestResult,
  type BacktestStats,
  type DecisionInput,
  decideWeights,
  type Exit,
  type Holding,
  type IndexBenchmark,
  type IndexSeries,
  type MonthlyReturn,
  type Rebalance,
  type RebalanceDecision,
  type RiskStage,
  type Simulation,
  simulate,
  type Trade,
} from './engine.js';
export {
  alignIndex,
  type Membership,
  prepareResearch,
  prepareResearchPanel,
  type ResearchData,
  researchInput,
  restrictToMembership,
} from './prepare.js';
export { type ReplayedDecision, type ReplayRequest, replayDecisions } from './replay.js';
export {
  equityCsv,
  exportBacktest,
  holdingsCsv,
  type ResultHashVersion,
  rebalancesCsv,
  resultHash,
  resultHashHex,
  resultHashOf,
  resultHashVersion,
  summaryCsv,
  tradesCsv,
} from './report.js';
export { RESULT_HASH_V2_PREFIX, resultHashV2, simulationHash } from './result-hash-v2.js';
export { runBacktest } from './run-backtest.js';
export { ObjectLog, ResultColumns, type RunContext, type RunLog } from './run-log.js';
export { backtestResultSchema, parseBacktestResult } from './schema.js';
export { drawdownSeries, type PerformanceStats, performanceStats } from './stats.js';
export { type BacktestStore, type BacktestSummary, FileBacktestStore } from './store.js';
export {
  expandGrid,
  MAX_SWEEP_POINTS,
  pointConfig,
  pointHash,
  runSweep,
  runSweepPoint,
  type SweepGrid,
  type SweepGridInput,
  type SweepRequest,
  type SweepTimings,
  sortSweepRows,
  sweepGridSchema,
} from './sweep.js';
export type { SweepPoint, SweepRow, SweepScope } from './sweep-point.js';
export { type SweepPoolOptions, SweepWorkerPool, sharedSweepPool } from './sweep-pool.js';
