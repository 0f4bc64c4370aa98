import type {
  BacktestDetail,
  BacktestRequest,
  BacktestSummary,
  CompareEntry,
  CoverageResponse,
  ExportKind,
  FetchRequest,
  ImportFile,
  ImportResponse,
  Job,
  ModelSummary,
  StartedJob,
} from '../../api';
import { request } from '../../api/client';

/** The research endpoints, on the shared client (session cookie, CSRF token, error bodies). */
const call = <T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> =>
  request<T>(method, url, body === undefined ? {} : { body });

export const researchApi = {
  coverage: () => call<CoverageResponse>('GET', '/api/data/coverage'),
  importFiles: (files: ImportFile[]) => call<ImportResponse>('POST', '/api/data/import', { files }),
  fetchAlpha: (request: FetchRequest) => call<StartedJob>('POST', '/api/data/fetch', request),
  train: (projectId: number) => call<StartedJob>('POST', `/api/projects/${projectId}/train`, {}),
  models: (projectId?: number) =>
    call<{ models: ModelSummary[] }>(
      'GET',
      projectId === undefined ? '/api/models' : `/api/models?project=${projectId}`,
    ),
  runBacktest: (projectId: number, request: BacktestRequest = {}) =>
    call<StartedJob>('POST', `/api/projects/${projectId}/backtests`, request),
  backtests: () => call<{ backtests: BacktestSummary[] }>('GET', '/api/backtests'),
  backtest: (id: number) => call<BacktestDetail>('GET', `/api/backtests/${id}`),
  compare: (ids: readonly number[]) =>
    call<{ backtests: CompareEntry[] }>('GET', `/api/backtests/compare?ids=${ids.join(',')}`),
  job: (id: number) => call<{ job: Job }>('GET', `/api/jobs/${id}`),
  /** Cancels a queued or running job; the answer is the job, now `cancelled` (409 once finished). */
  cancelJob: (id: number) => call<{ job: Job }>('POST', `/api/jobs/${id}/cancel`),
  /** Jobs of a kind that are still queued or running, newest first. */
  activeJobs: async (kind: string): Promise<Job[]> => {
    const [running, queued] = await Promise.all(
      (['running', 'queued'] as const).map((status) =>
        call<{ jobs: Job[] }>('GET', `/api/jobs?kind=${encodeURIComponent(kind)}&status=${status}&limit=20`),
      ),
    );
    return [...(running?.jobs ?? []), ...(queued?.jobs ?? [])];
  },
};

/** Same-origin download link of a backtest CSV (the session cookie authenticates it). */
export function exportUrl(backtestId: number, kind: ExportKind): string {
  return `/api/backtests/${backtestId}/export?kind=${kind}`;
}

export const EXPORT_KINDS: readonly ExportKind[] = ['summary', 'equity', 'rebalances', 'holdings', 'trades'];

/** One way to show a failed request everywhere (the server's catalogued reason in the UI language). */
export { errorText, type Failure } from '../../components/errorText';
