/**
 * Types of the research API (`/api/data/*`, models, backtests, jobs): the contract's
 * (src/contract/research.ts), imported as types only.
 */
import type { JobProgressEvent } from '../../../src/contract/research';

export type {
  BacktestDetail,
  BacktestReport,
  BacktestRequest,
  BacktestStats,
  BacktestSummary,
  BacktestsResponse,
  CommissionPreset,
  CompareEntry,
  CompareResponse,
  CoverageGap,
  CoverageResponse,
  ExitTrade,
  ExportKind,
  FetchRequest,
  ImportFile,
  ImportLineError,
  ImportResponse,
  ImportWarning,
  Job,
  JobKind,
  JobProgressEvent,
  JobResponse,
  JobStatus,
  JobsResponse,
  ModelSummary,
  ModelsResponse,
  MonthlyRow,
  PerformanceStats,
  Rebalance,
  RebalanceHolding,
  RebalanceTrade,
  StartedJob,
  SymbolCoverage,
} from '../../../src/contract/research';

declare module './types' {
  interface ServerEvents {
    'job.progress': JobProgressEvent;
  }
}
