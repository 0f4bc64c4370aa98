import { request } from '../../api/client';

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type AlertStatus = 'pending' | 'delivered' | 'suppressed';

/** One outbox row as GET /api/alerts shows it. */
export interface AlertItem {
  id: number;
  kind: string;
  severity: AlertSeverity;
  dedupeKey: string;
  language: 'zh-CN' | 'en';
  text: string;
  status: AlertStatus;
  suppressedReason: 'muted' | 'snoozed' | null;
  occurrences: number;
  open: boolean;
  createdAt: string;
  lastSeenAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  resolvedAt: string | null;
}

export interface AlertRule {
  kind: string;
  severity: AlertSeverity;
  suppressSeconds: number | null;
  muted: boolean;
  snoozedUntil: string | null;
}

export interface AlertChannel {
  configured: boolean;
  holder: string | null;
  blockedUntil: string | null;
  failures: number;
}

export interface AlertListResponse {
  items: AlertItem[];
  total: number;
  rules: AlertRule[];
  channel: AlertChannel;
}

export interface AlertQuery {
  kind?: string | undefined;
  status?: AlertStatus | undefined;
  limit: number;
  offset: number;
}

export const alertsApi = {
  list: (query: AlertQuery) => request<AlertListResponse>('GET', '/api/alerts', { query: { ...query } }),
  updateRule: (kind: string, change: { muted?: boolean; snoozeMinutes?: number | null }) =>
    request<{ rule: AlertRule }>('PUT', `/api/alerts/rules/${encodeURIComponent(kind)}`, { body: change }),
  /** Values typed in the settings form; empty ones fall back to the saved settings on the server. */
  sendTest: (values: Record<string, string | undefined>) =>
    request<{ botUsername: string; messageId: number }>('POST', '/api/alerts/test-message', { body: values }),
};
