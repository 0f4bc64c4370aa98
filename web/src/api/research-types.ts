/** Research API shapes (docs/api.md, "Research: data, models, backtests, jobs"); types only. */
import type { Message } from '../../../src/contract/messages';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobKind = 'data.import' | 'data.fetch' | 'train' | 'backtest' | 'demo.seed';

export interface Job {
  id: number;
  kind: JobKind | string;
  scope: string;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  /** English; `text` is the same as a catalogued message (null for language-neutral notes). */
  message: string;
  text: Message | null;
  params: unknown;
  resultRef: string | null;
  result: unknown;
  error: string | null;
  actor: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** Body of the `job.progress` server-sent event. */
export interface JobProgressEvent {
  id: number;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string;
  text: Message | null;
}

export interface StartedJob {
  job: Job;
  /** True when the request joined a job of the same kind and scope that was already running. */
  joined: boolean;
}

export interface CoverageGap {
  from: string;
  to: string;
  days: number;
}

export interface SymbolCoverage {
  symbol: string;
  name: string;
  sector: string;
  rows: number;
  first: string;
  last: string;
  missingDays: number;
  gapsCount: number;
  gaps: CoverageGap[];
}

export interface CoverageResponse {
  symbols: SymbolCoverage[];
  total: number;
}

export interface ImportFile {
  name: string;
  content?: string;
  contentBase64?: string;
}

export interface ImportLineError {
  /** 1-based (the header is line 1); 0 for the file as a whole. */
  line: number;
  message: string;
}

export interface ImportResponse {
  jobId: number;
  imported: { name: string; symbol: string; result: 'created' | 'updated' | 'unchanged'; rows: number }[];
  failed: { name: string; errors: ImportLineError[] }[];
}

export interface FetchRequest {
  symbols: string[];
  outputSize?: 'full' | 'compact';
  dataType?: 'csv' | 'json';
  requestsPerMinute?: number;
  requestsPerDay?: number;
}

export interface ModelSummary {
  id: number;
  version: string;
  family: 'rule' | 'ridge' | 'gbt' | string;
  projectId: number | null;
  projectVersion: number | null;
  dataDigest: string;
  metrics: { ic: number | null; rankIc: number | null; hitRate: number | null; periods: number };
  symbols: number;
  firstDecision: string;
  lastDecision: string;
  createdAt: string;
}

/** Fractions: 0.12 = 12%. */
export interface PerformanceStats {
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  maxDrawdown: number;
}

export interface BacktestStats extends PerformanceStats {
  turnoverPerRebalance: number;
  hitRate: number;
  totalCommission: number;
  rebalances: number;
  /** Holdings sold because their symbol stopped trading (0 for results stored before exits existed). */
  exits: number;
}

export interface BacktestSummary {
  id: number;
  projectId: number | null;
  projectVersion: number | null;
  modelVersion: string;
  dataDigest: string;
  resultHash: string;
  start: string;
  end: string;
  config: unknown;
  stats: BacktestStats;
  jobId: number | null;
  createdAt: string;
}

export interface MonthlyRow {
  year: number;
  /** January first; null where the backtest has no data. */
  months: (number | null)[];
  total: number;
}

export interface RebalanceTrade {
  symbol: string;
  /** Real shares of the day: positive buys, negative sells. */
  quantity: number;
  /** As traded that day (unadjusted), slippage included. */
  price: number;
  commission: number;
}

/** A holding sold at its last close because its symbol stopped trading. */
export interface ExitTrade extends RebalanceTrade {
  date: string;
}

export interface RebalanceHolding {
  symbol: string;
  shares: number;
  weight: number;
}

export interface Rebalance {
  date: string;
  decisionDate: string;
  equity: number;
  turnover: number;
  commission: number;
  trades: RebalanceTrade[];
  holdings: RebalanceHolding[];
  sectors: Record<string, number>;
}

export interface BacktestReport {
  start: string;
  end: string;
  symbols: number;
  config: Record<string, unknown>;
  stats: BacktestStats;
  benchmark: PerformanceStats;
  curves: { days: string[]; equity: number[]; benchmark: number[]; drawdown: number[] };
  monthly: { strategy: MonthlyRow[]; benchmark: MonthlyRow[] };
  sectorExposure: {
    dates: string[];
    sectors: string[];
    weights: Record<string, number[]>;
    average: Record<string, number>;
  };
  rebalances: Rebalance[];
  exits: ExitTrade[];
  /** Market index benchmark (buy and hold), when the run had one. */
  index: { symbol: string; stats: PerformanceStats; equity: number[] } | null;
}

export interface BacktestDetail {
  backtest: BacktestSummary;
  report: BacktestReport;
}

export interface CompareEntry {
  backtest: BacktestSummary;
  stats: BacktestStats;
  benchmark: PerformanceStats;
  /** Equity divided by its first value. */
  curve: { days: string[]; equity: number[] };
}

export type CommissionPreset = 'ib-fixed' | 'ib-tiered' | 'zero';

export interface BacktestRequest {
  modelVersion?: string;
  initialCash?: number;
  tradeAt?: 'open' | 'close';
  slippageBps?: number;
  lotSize?: number;
  commission?: CommissionPreset;
  /** YYYY-MM-DD */
  start?: string;
  end?: string;
  /** A symbol of the research store, bought and held as a second benchmark. */
  benchmark?: string;
}

export type ExportKind = 'equity' | 'trades' | 'holdings' | 'rebalances' | 'summary';

declare module './types' {
  interface ServerEvents {
    'job.progress': JobProgressEvent;
  }
}
