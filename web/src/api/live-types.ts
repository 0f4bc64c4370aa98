/**
 * Types of the Live Trading API (`/api/ib/*`, `/api/execution/*`): the contract's (src/contract/ib.ts,
 * src/contract/execution.ts), imported as types only so that neither zod nor server code reaches the
 * bundle.
 */
import type { IbQuote, IbStatus } from '../../../src/contract/ib';

export type {
  ExecuteResponse,
  LeaseResponse,
  LeaseView,
  OkResponse,
  OrderSide,
  OrderStatus,
  Readiness,
  ReconcileForeignOrder,
  ReconcilePositionDiff,
  ReconcileResponse,
  ReconciliationRecord,
  ReconciliationSummary,
  ReconciliationsResponse,
  RunDetail,
  RunStatus,
  RunsResponse,
  SymbolProgress,
  TradeFill,
  TradeOrder,
  TradeOrderEvent,
  TradeRun,
} from '../../../src/contract/execution';
export type {
  AuditBarSize,
  BackfillReport,
  BackfillRequest,
  BarAudit,
  BarAuditResponse,
  IbConnectionStatus,
  IbQuote,
  IbStatus,
  QuoteSnapshotEntry,
  QuoteStatus,
  QuotesResponse,
  QuoteUniverseResponse,
  ResolutionEntry,
  ResolutionReport,
  TestConnectionRequest,
  TestConnectionResult,
  UniverseSelector,
} from '../../../src/contract/ib';

// The IB runtime publishes these on the one event stream.
declare module './types' {
  interface ServerEvents {
    'ib.status': IbStatus;
    'ib.quote': IbQuote;
  }
}
