import dayjs from 'dayjs';
import { type CSSProperties, useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { errorText, type Failure } from '../../components/errorText';

/** 503 from an /api/ib route: the server runs without the IB runtime (not configured or not started). */
export function isUnavailable(error: unknown): boolean {
  return error instanceof ApiError && error.status === 503;
}

/** 409 from an execution action: this replica does not hold the lease and serves the UI read-only. */
export function isReadOnlyReplica(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

export { errorText };

/**
 * What a panel loading one resource is showing. A failure keeps what was thrown, rendered with
 * errorText at render time, so its text follows a language switch.
 */
export type Loadable<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; data: T }
  | { kind: 'unavailable' }
  | ({ kind: 'failed' } & Failure);

export function failure(error: unknown): Loadable<never> {
  return isUnavailable(error) ? { kind: 'unavailable' } : { kind: 'failed', reason: error };
}

/** Wall-clock milliseconds for "n seconds ago" labels, ticking every `everyMs`. Display only. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function formatPrice(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

export function formatInteger(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString();
}

/** Local time, the same in both languages (the tables compare times at a glance). */
export function formatTime(value: string | number | null): string {
  if (value === null) return '—';
  const time = dayjs(value);
  return time.isValid() ? time.format('YYYY-MM-DD HH:mm:ss') : String(value);
}

/** Seconds (or minutes) between two instants, rounded, for "ago" labels. */
export function ageSeconds(thenMs: number, nowMs: number): number {
  return Math.max(0, Math.round((nowMs - thenMs) / 1_000));
}

/** Sorting helpers for antd tables: nulls last. */
export function byNumber<T>(pick: (row: T) => number | null): (a: T, b: T) => number {
  return (a, b) => {
    const x = pick(a);
    const y = pick(b);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x - y;
  };
}

export function byText<T>(pick: (row: T) => string | null): (a: T, b: T) => number {
  return (a, b) => (pick(a) ?? '').localeCompare(pick(b) ?? '');
}

export const IB_STATUS_COLORS: Record<string, string> = {
  CONNECTED: 'success',
  CONNECTING: 'processing',
  DEGRADED: 'warning',
  DISCONNECTED: 'error',
};

export const ORDER_STATUS_COLORS: Record<string, string> = {
  NEW: 'default',
  SUBMITTED: 'processing',
  PARTIAL: 'gold',
  FILLED: 'success',
  CANCELED: 'default',
  REJECTED: 'error',
};

export const RUN_STATUS_COLORS: Record<string, string> = {
  PLANNING: 'default',
  SUBMITTING: 'processing',
  WORKING: 'processing',
  COMPLETED: 'success',
  FAILED: 'error',
  BLOCKED: 'warning',
};

// Layout of this page's own pieces, kept here rather than in the shared stylesheet.
export const PANEL_STYLE: CSSProperties = { width: '100%' };
export const PICKER_STYLE: CSSProperties = { minWidth: 260 };
export const ATTENTION_STYLE: CSSProperties = { color: '#d46b08', fontWeight: 600 };
export const DETAIL_STYLE: CSSProperties = { fontSize: 12, wordBreak: 'break-all' };
export const CLICKABLE_ROW_STYLE: CSSProperties = { cursor: 'pointer' };
export const SELECTED_ROW_STYLE: CSSProperties = { cursor: 'pointer', background: '#e8f0ff' };
export const LABEL_STYLE: CSSProperties = { whiteSpace: 'nowrap' };

/** Orders in these states are over: nothing to cancel. */
export const TERMINAL_ORDER_STATES: ReadonlySet<string> = new Set(['FILLED', 'CANCELED', 'REJECTED']);
