/**
 * Response and request shapes of the HTTP API (docs/api.md). Types only, no code: the server may
 * import them to keep both sides honest without bundling server code into the browser.
 */

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_CREDENTIALS'
  | 'UNAUTHENTICATED'
  | 'CSRF_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode | (string & {});
    message: string;
    fields?: FieldError[];
  };
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  version: string;
  uptimeS: number;
  db: { ok: boolean; engine: 'sqlite' | 'postgres'; latencyMs: number };
}

export interface User {
  username: string;
}

export interface SessionResponse {
  authenticated: boolean;
  user?: User;
  csrfToken?: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  user: User;
  csrfToken: string;
}

export type SettingSource = 'env' | 'file' | 'db' | 'default' | 'unset';
export type SettingGroup = 'ib' | 'telegram' | 'alpha' | 'server';
/** Values travel as JSON scalars; secrets arrive masked (e.g. `DU****67`). */
export type SettingValue = string | number | boolean | null;

export interface SettingView {
  key: string;
  value: SettingValue;
  source: SettingSource;
  secret: boolean;
  editable: boolean;
  group: SettingGroup;
}

export interface SettingsResponse {
  settings: SettingView[];
}

export interface SettingsUpdateRequest {
  values: Record<string, SettingValue>;
}

export type TradingBadge = 'not_configured' | 'disconnected' | 'tradable';
export type TradingMode = 'paper' | 'live';

export interface TradingStatus {
  badge: TradingBadge;
  mode: TradingMode;
  /** Masked account id, or null when none is configured. */
  account: string | null;
}

export type JsonObject = { [key: string]: unknown };

export interface AuditRecord {
  id: number | string;
  /** ISO 8601. */
  time: string;
  actor: string;
  action: string;
  target: string;
  before: JsonObject | null;
  after: JsonObject | null;
  prevHash: string | null;
  hash: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, inclusive. */
  to?: string;
  limit?: number;
  offset?: number;
}

export interface AuditListResponse {
  items: AuditRecord[];
  total: number;
}

/** How the audit chain broke; see src/audit/verify.ts. */
export type AuditBreakKind = 'key' | 'edited' | 'rewritten' | 'missing' | 'truncated';

export interface AuditVerifyResponse {
  ok: boolean;
  checked: number;
  firstBroken?: { id: number | string; kind?: AuditBreakKind; reason: string };
  keyedFrom?: number;
  anchor?: { checkpoints: number; latestId: number | null; malformed: number } | null;
}

/** Server-sent events by name, with their `data` payloads. */
export interface ServerEvents {
  hello: { serverTime: string | number };
  'settings.changed': { keys: string[] };
  'audit.appended': { id: number | string; action: string };
  'trading.status': TradingStatus;
}

export type ServerEventName = keyof ServerEvents;

export type ThemeKind = 'system' | 'project';

export interface ThemeMember {
  symbol: string;
  name: string;
  sector: string;
  industry: string;
}

export interface ThemeSummary {
  id: number;
  name: string;
  kind: ThemeKind;
  description: string;
  memberCount: number;
  updatedAt: string;
}

export interface Theme extends ThemeSummary {
  members: ThemeMember[];
}

export interface ThemeInput {
  name: string;
  kind: ThemeKind;
  description: string;
  members: ThemeMember[];
}

export type ThemeImportMode = 'replace' | 'merge';

export type ModelFamily = 'rule' | 'ridge' | 'gbt';
export type WeightingScheme = 'equal' | 'score' | 'inverse_volatility';
export type OrderType = 'MKT' | 'LMT';

/** `src/projects/params.ts`; the server fills defaults for omitted groups. */
export interface ProjectParams {
  themeIds: number[];
  model: { family: ModelFamily; seed: number };
  portfolio: {
    topN: number;
    weighting: WeightingScheme;
    maxWeight: number;
    sectorCap: number;
    cashBuffer: number;
    turnoverLimit: number;
  };
  schedule: { frequency: 'weekly'; weekday: number; minutesAfterOpen: number };
  risk: {
    maxPositionWeight: number;
    maxSectorWeight: number;
    maxGrossExposure: number;
    maxDailyLoss: number;
  };
  execution: { orderType: OrderType; limitOffsetBps: number; minTradeValue: number };
}

export interface Project {
  id: number;
  name: string;
  description: string;
  currentVersion: number;
  params: ProjectParams;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectVersion {
  version: number;
  params: ProjectParams;
  createdAt: string;
  createdBy: string;
}

export interface ProjectDetail {
  project: Project;
  versions: ProjectVersion[];
  universe: ThemeMember[];
}

export interface ProjectInput {
  name: string;
  description: string;
  params: ProjectParams;
}
