import type {
  AlphaParityResult,
  ParityResult,
  Snapshot,
  SnapshotSummary,
  SnapshotVerify,
} from '../../../../src/contract/decisions';
import type { BacktestSummary, ModelSummary, RunDetail, TradeRun } from '../../api';
import { request } from '../../api/client';

export type {
  AlphaParityResult,
  AlphaParitySymbol,
  ParityResult,
  Snapshot,
  SnapshotContent,
  SnapshotSummary,
  SnapshotVerify,
} from '../../../../src/contract/decisions';

/** The decision-snapshot endpoints (and the run and research reads the views link to). */
export const decisionsApi = {
  snapshot: (id: number) => request<Snapshot>('GET', `/api/snapshots/${id}`),
  verify: (id: number) => request<SnapshotVerify>('GET', `/api/snapshots/${id}/verify`),
  projectSnapshots: (projectId: number) =>
    request<{ snapshots: SnapshotSummary[] }>('GET', `/api/projects/${projectId}/snapshots`),
  parity: (runId: number) => request<ParityResult>('GET', `/api/runs/${runId}/parity`),
  parityAlpha: (runId: number) => request<AlphaParityResult>('GET', `/api/runs/${runId}/parity/alpha`),
  runs: () => request<{ runs: TradeRun[] }>('GET', '/api/execution/runs', { query: { limit: 500 } }),
  run: (id: number) => request<RunDetail>('GET', `/api/execution/runs/${id}`),
  models: (projectId: number) =>
    request<{ models: ModelSummary[] }>('GET', '/api/models', { query: { project: projectId } }),
  backtests: (projectId: number) =>
    request<{ backtests: BacktestSummary[] }>('GET', '/api/backtests', { query: { project: projectId } }),
};
