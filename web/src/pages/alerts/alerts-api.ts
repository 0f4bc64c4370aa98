import type {
  AlertListResponse,
  AlertQuery,
  AlertRuleResponse,
  TestMessageResponse,
} from '../../../../src/contract/alerts';
import { request } from '../../api/client';

export type {
  AlertChannel,
  AlertItem,
  AlertListResponse,
  AlertQuery,
  AlertRule,
  AlertSeverity,
  AlertStatus,
} from '../../../../src/contract/alerts';

export const alertsApi = {
  list: (query: AlertQuery) => request<AlertListResponse>('GET', '/api/alerts', { query: { ...query } }),
  updateRule: (kind: string, change: { muted?: boolean; snoozeMinutes?: number | null }) =>
    request<AlertRuleResponse>('PUT', `/api/alerts/rules/${encodeURIComponent(kind)}`, { body: change }),
  /** Values typed in the settings form; empty ones fall back to the saved settings on the server. */
  sendTest: (values: Record<string, string | undefined>) =>
    request<TestMessageResponse>('POST', '/api/alerts/test-message', { body: values }),
};
