import type { AccountHistory, AccountView, HistoryRange, OrdersMonitor } from '../../api';
import { request } from '../../api/client';

/** The account monitor's endpoints. */
export const accountApi = {
  account: () => request<{ account: AccountView | null }>('GET', '/api/account'),
  history: (range: HistoryRange) =>
    request<{ history: AccountHistory }>('GET', '/api/account/history', { query: { range } }),
  orders: () => request<{ monitor: OrdersMonitor }>('GET', '/api/account/orders'),
};

export function formatMoney(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatPercent(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** Gains green, losses red. */
export function pnlColor(value: number | null): string | undefined {
  if (value === null || value === 0) return undefined;
  return value > 0 ? '#389e0d' : '#cf1322';
}
