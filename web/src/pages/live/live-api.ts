import type {
  AuditBarSize,
  BackfillRequest,
  BarAuditResponse,
  IbStatus,
  LeaseResponse,
  OkResponse,
  QuotesResponse,
  ReconcileResponse,
  ReconciliationsResponse,
  ResolutionReport,
  RunDetail,
  RunsResponse,
  StartedJob,
  TestConnectionRequest,
  TestConnectionResult,
  UniverseSelector,
} from '../../api';
import { request } from '../../api/client';

export type { BackfillReport, BackfillRequest } from '../../api';

function selectorQuery(selector: UniverseSelector): Record<string, string | number | undefined> {
  return { project: selector.project, theme: selector.theme };
}

/** The Live Trading endpoints (IB runtime and execution). */
export const liveApi = {
  ibStatus: () => request<IbStatus>('GET', '/api/ib/status'),
  quotes: () => request<QuotesResponse>('GET', '/api/ib/quotes'),
  contracts: (selector: UniverseSelector) =>
    request<ResolutionReport>('GET', '/api/ib/contracts', { query: selectorQuery(selector) }),
  /** Starts (or joins) an `ib.contracts` job; its result is the resolution report. */
  refreshContracts: (selector: UniverseSelector) =>
    request<StartedJob>('POST', '/api/ib/contracts/refresh', { body: selector }),
  /** Starts (or joins) an `ib.backfill` job; its result is a BackfillReport. */
  backfill: (body: BackfillRequest) => request<StartedJob>('POST', '/api/ib/backfill', { body }),
  barAudit: (selector: UniverseSelector, barSize: AuditBarSize, from: string, to: string) =>
    request<BarAuditResponse>('GET', '/api/ib/bars/audit', {
      query: { ...selectorQuery(selector), barSize, from, to },
    }),
  testConnection: (body: TestConnectionRequest = {}) =>
    request<TestConnectionResult>('POST', '/api/ib/test-connection', { body }),
  lease: () => request<LeaseResponse>('GET', '/api/execution/lease'),
  runs: (project?: string) =>
    request<RunsResponse>('GET', '/api/execution/runs', { query: { project, limit: 100 } }),
  run: (id: number) => request<RunDetail>('GET', `/api/execution/runs/${id}`),
  reconciliations: () => request<ReconciliationsResponse>('GET', '/api/execution/reconciliations'),
  reconcile: () => request<ReconcileResponse>('POST', '/api/execution/reconcile'),
  cancelOrder: (id: number) => request<OkResponse>('POST', `/api/execution/orders/${id}/cancel`),
};
