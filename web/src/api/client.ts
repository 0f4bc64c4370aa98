import type {
  AuditListResponse,
  AuditQuery,
  AuditVerifyResponse,
  ErrorBody,
  FieldError,
  HealthResponse,
  LoginResponse,
  Message,
  Project,
  ProjectDetail,
  ProjectInput,
  ProjectVersion,
  SessionResponse,
  SettingsResponse,
  SettingValue,
  Theme,
  ThemeImportMode,
  ThemeInput,
  ThemeSummary,
  TradingStatus,
} from './types';

/** A non-2xx answer from the API, carrying the contract's error code and per-field messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** Seconds, from a 429's Retry-After header when present. */
    readonly retryAfterS: number | null = null,
    /** The reason as a catalogued message, and the several reasons behind it, when the server sent them. */
    readonly text: Message | null = null,
    readonly details: Message[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** The token from login or the session endpoint; sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated request answers 401 (session expired or revoked elsewhere). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Login and the session probe answer 401 as a normal outcome, not as an expired session. */
  expectUnauthenticated?: boolean;
}

/** Exported so page modules can declare their own endpoints next to their types. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (STATE_CHANGING.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;

  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const search = params.toString();
    if (search) url += `?${search}`;
  }

  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const payload = await readJson(response);
  if (response.ok) return payload as T;

  if (response.status === 401 && !options.expectUnauthenticated) {
    for (const listener of unauthenticatedListeners) listener();
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  if (isErrorBody(payload)) {
    const { code, message, fields, text, details } = payload.error;
    throw new ApiError(
      response.status,
      code,
      message,
      fields ?? [],
      retryAfterS,
      text ?? null,
      details ?? [],
    );
  }
  throw new ApiError(
    response.status,
    'INTERNAL',
    response.statusText || `HTTP ${response.status}`,
    [],
    retryAfterS,
  );
}

export const api = {
  health: () => request<HealthResponse>('GET', '/api/health'),
  session: () => request<SessionResponse>('GET', '/api/auth/session', { expectUnauthenticated: true }),
  login: (username: string, password: string) =>
    request<LoginResponse>('POST', '/api/auth/login', {
      body: { username, password },
      expectUnauthenticated: true,
    }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  getSettings: () => request<SettingsResponse>('GET', '/api/settings'),
  /** `confirmLiveAccount` is the account id typed again; the server needs it to switch IB_MODE to live. */
  updateSettings: (values: Record<string, SettingValue>, confirmLiveAccount?: string) =>
    request<SettingsResponse>('PUT', '/api/settings', {
      body: confirmLiveAccount === undefined ? { values } : { values, confirmLiveAccount },
    }),
  tradingStatus: () => request<TradingStatus>('GET', '/api/trading/status'),
  listAudit: (query: AuditQuery) => request<AuditListResponse>('GET', '/api/audit', { query: { ...query } }),
  verifyAudit: () => request<AuditVerifyResponse>('GET', '/api/audit/verify'),
  listThemes: (q?: string) => request<{ themes: ThemeSummary[] }>('GET', '/api/themes', { query: { q } }),
  getTheme: (id: number) => request<{ theme: Theme }>('GET', `/api/themes/${id}`),
  createTheme: (input: ThemeInput) => request<{ theme: Theme }>('POST', '/api/themes', { body: input }),
  updateTheme: (id: number, patch: Partial<ThemeInput>) =>
    request<{ theme: Theme }>('PUT', `/api/themes/${id}`, { body: patch }),
  deleteTheme: (id: number) => request<void>('DELETE', `/api/themes/${id}`),
  importTheme: (id: number, csv: string, mode: ThemeImportMode) =>
    request<{ theme: Theme }>('POST', `/api/themes/${id}/import`, { body: { csv, mode } }),
  listProjects: () => request<{ projects: Project[] }>('GET', '/api/projects'),
  getProject: (id: number) => request<ProjectDetail>('GET', `/api/projects/${id}`),
  createProject: (input: ProjectInput) =>
    request<{ project: Project }>('POST', '/api/projects', { body: input }),
  updateProject: (id: number, patch: Partial<ProjectInput>) =>
    request<{ project: Project }>('PUT', `/api/projects/${id}`, { body: patch }),
  getProjectVersion: (id: number, version: number) =>
    request<{ version: ProjectVersion }>('GET', `/api/projects/${id}/versions/${version}`),
};

/** Same-origin download URL of a theme's members as CSV (the session cookie authenticates it). */
export function themeExportUrl(id: number): string {
  return `/api/themes/${id}/export`;
}

export const EVENTS_URL = '/api/events';
