/**
 * Response types of the Live Trading API (`/api/ib/*`, `/api/execution/*`), mirroring the server's
 * `IbStatus`, quote snapshots, contract report, bar audit, execution lease, runs, orders and fills.
 */

import type { Message } from '../../../src/contract/messages';
import type { RunPreTradeView } from '../../../src/contract/pretrade';
import type { TradingMode } from './types';

export type IbConnectionStatus = 'DISCONNECTED' | 'CONNECTING' | 'CONNECTED' | 'DEGRADED';

export interface IbStatus {
  source: 'ib';
  /** One of IbConnectionStatus; kept as string so an unknown future state still renders. */
  status: string;
  reason: string | null;
  sinceMs: number;
  mode: TradingMode;
  /** Masked account id. */
  account: string | null;
  accounts: string[];
  modeCheck: { ok: boolean; reason: string | null };
  serverVersion: number | null;
  lastHeartbeatMs: number | null;
  reconnectCount: number;
  lastError: { code: number; message: string; atMs: number } | null;
  host: string;
  port: number;
  clientId: number;
  /** True when the server started the built-in (simulated) paper gateway and talks to it. */
  builtInGateway: boolean;
  tradable: boolean;
}

export interface IbQuote {
  source: 'ib';
  symbol: string;
  conId: number;
  timeMs: number;
  bid: number | null;
  ask: number | null;
  last: number | null;
  bidSize: number | null;
  askSize: number | null;
  lastSize: number | null;
  volume: number | null;
}

export type QuoteStatus = 'pending' | 'subscribed' | 'refused' | 'error';

export interface QuoteSnapshotEntry extends IbQuote {
  status: QuoteStatus;
  lastUpdateMs: number | null;
  stalenessMs: number | null;
  stale: boolean;
  ticksPerMinute: number;
  error: string | null;
}

export interface QuotesResponse {
  source: 'ib';
  quotes: QuoteSnapshotEntry[];
}

/** Exactly one of them picks the universe of a report or an audit. */
export interface UniverseSelector {
  project?: string;
  theme?: number;
}

export interface ResolutionEntry {
  symbol: string;
  status: 'resolved' | 'unresolved' | 'missing';
  conId: number | null;
  primaryExchange: string | null;
  reason: string | null;
  fetchedAt: string | null;
  stale: boolean;
}

export interface ResolutionReport {
  source: 'ib';
  total: number;
  resolved: number;
  unresolved: number;
  missing: number;
  stale: number;
  entries: ResolutionEntry[];
}

export type AuditBarSize = '1d' | '1m';

export interface BarAudit {
  source: 'ib';
  symbol: string;
  barSize: string;
  from: string;
  to: string;
  expectedSessions: number;
  presentSessions: number;
  completeness: number;
  missingDays: string[];
  gaps: Array<{ from: string; to: string; sessions: number }>;
  partialDays: Array<{ day: string; present: number; expected: number }>;
  bars: number;
}

export interface BarAuditResponse {
  source: 'ib';
  audits: BarAudit[];
}

export interface TestConnectionRequest {
  host?: string;
  port?: number;
  clientId?: number;
  mode?: TradingMode;
  account?: string;
}

export interface TestConnectionResult {
  ok: boolean;
  serverVersion: number | null;
  /** Masked. */
  accounts: string[];
  modeCheck: { ok: boolean; account: string | null; reason: string | null };
  error: string | null;
  source: 'ib';
}

export interface LeaseView {
  name: string;
  holder: string;
  token: number;
  acquiredAt: string;
  heartbeatAt: string;
  expiresAt: string;
  active: boolean;
}

export interface LeaseResponse {
  lease: LeaseView | null;
  /** Null on a replica that serves the UI read-only. */
  thisReplica: {
    holder: string;
    holdsLease: boolean;
    /** `reasons` in English; `texts` the same as catalogued messages the UI renders in its language. */
    readiness: { ready: boolean; reasons: string[]; texts?: Message[] };
  } | null;
}

export type RunStatus = 'PLANNING' | 'SUBMITTING' | 'WORKING' | 'COMPLETED' | 'FAILED' | 'BLOCKED';
export type OrderStatus = 'NEW' | 'SUBMITTED' | 'PARTIAL' | 'FILLED' | 'CANCELED' | 'REJECTED';

export interface TradeRun {
  id: number;
  project: string;
  tradingDate: string;
  mode: string;
  status: RunStatus;
  weights: Record<string, number>;
  targets: Record<string, number> | null;
  plan: Record<string, unknown> | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Every pre-trade rule's verdict of the run's order list (absent from servers before the checks). */
  preTrade?: RunPreTradeView | null;
}

export interface TradeOrderEvent {
  id: number;
  orderId: number;
  time: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  ibStatus: string | null;
  accepted: boolean;
  detail: Record<string, unknown> | null;
}

export interface TradeOrder {
  id: number;
  runId: number;
  clientOrderId: string;
  symbol: string;
  conId: number;
  side: 'BUY' | 'SELL';
  leg: number;
  quantity: number;
  orderType: string;
  limitPrice: number | null;
  tif: string;
  account: string;
  status: OrderStatus;
  ibStatus: string | null;
  ibOrderId: number | null;
  permId: number | null;
  filledQty: number;
  avgFillPrice: number | null;
  leaseToken: number;
  sendAttempts: number;
  lastError: string | null;
  adopted: boolean;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  events: TradeOrderEvent[];
}

export interface TradeFill {
  execId: string;
  orderId: number;
  clientOrderId: string;
  ibOrderId: number;
  permId: number;
  account: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  shares: number;
  price: number;
  exchange: string;
  execTime: string;
  commission: number | null;
  commissionCurrency: string | null;
  realizedPnl: number | null;
  recordedAt: string;
}

export interface SymbolProgress {
  symbol: string;
  before: number;
  target: number;
  filled: number;
  working: number;
  deviation: number;
  avgFillPrice: number | null;
  commission: number;
}

export interface RunDetail {
  run: TradeRun;
  orders: TradeOrder[];
  fills: TradeFill[];
  progress: SymbolProgress[];
}

export interface ReconciliationSummary {
  brokerOpen: number;
  brokerCompleted: number;
  executions: number;
  updated: number;
  adopted: number;
  foreign: number;
  fillsRecovered: number;
  released: number;
  missing: number;
  positionDiffs: number;
}

export interface ReconciliationRecord {
  id: number;
  time: string;
  reason: string;
  holder: string;
  leaseToken: number;
  status: string;
  summary: Partial<ReconciliationSummary>;
  details: Record<string, unknown>;
  error: string | null;
}

export interface ReconcileResponse {
  reconciliation: {
    id: number;
    reason: string;
    status: 'ok' | 'failed';
    error: string | null;
    summary: ReconciliationSummary;
    details: Record<string, unknown>;
  };
}

// The IB runtime publishes these on the one event stream.
declare module './types' {
  interface ServerEvents {
    'ib.status': IbStatus;
    'ib.quote': IbQuote;
  }
}
