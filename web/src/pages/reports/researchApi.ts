import {
  ApiError,
  api,
  type BacktestDetail,
  type BacktestRequest,
  type BacktestSummary,
  type CompareEntry,
  type CoverageResponse,
  type ErrorBody,
  type ExportKind,
  type FetchRequest,
  type ImportFile,
  type ImportResponse,
  type Job,
  type ModelSummary,
  type StartedJob,
} from '../../api';

/**
 * The research endpoints. The shared client keeps its CSRF token private, so state-changing calls
 * here read it from the session endpoint (same token, same cookie) once and reuse it.
 */
let csrfToken: Promise<string | undefined> | null = null;

function token(): Promise<string | undefined> {
  csrfToken ??= api.session().then(
    (session) => session.csrfToken,
    () => undefined,
  );
  return csrfToken;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value;
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = await token();
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text === '' ? undefined : JSON.parse(text);
  } catch {
    payload = undefined;
  }
  if (response.ok) return payload as T;
  if (response.status === 403 && !retried && method !== 'GET') {
    // The token changes when the session does (sign-out and in again): fetch it once more.
    csrfToken = null;
    return call<T>(method, url, body, true);
  }
  if (isErrorBody(payload)) {
    const { code, message, fields } = payload.error;
    throw new ApiError(response.status, code, message, fields ?? []);
  }
  throw new ApiError(response.status, 'INTERNAL', response.statusText || `HTTP ${response.status}`);
}

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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
