import type { PipelineStepView } from './pipeline-api';

export const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '-');

/** How long a step ran (or has been running, for one still in progress). */
export function duration(step: PipelineStepView, nowMs: number): string {
  if (!step.startedAt) return '';
  const end = step.endedAt ? Date.parse(step.endedAt) : nowMs;
  const ms = Math.max(0, end - Date.parse(step.startedAt));
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export const STATUS_COLOR: Record<string, string> = {
  WAITING: 'default',
  RUNNING: 'processing',
  SUCCEEDED: 'success',
  FAILED: 'error',
  STOOD_STILL: 'warning',
  MISSED: 'error',
  PENDING: 'default',
  SKIPPED: 'default',
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A number of the checklist as shown: times in local time, everything else as it came. */
export function plainValue(value: unknown): string {
  if (typeof value === 'string' && ISO_TIME.test(value)) return time(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4);
  return String(value);
}
