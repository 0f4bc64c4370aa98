import type { Generated } from 'kysely';

/**
 * Tables of the weekly pipeline. A run is keyed by `run_key` (project id + trading date for a real
 * run; dry runs get their own keys), so a second trigger joins the run instead of starting one.
 * Steps are one row each per run: a SUCCEEDED row is never run again.
 */
export interface PipelineRunsTable {
  id: Generated<number>;
  run_key: string;
  project_id: number;
  trading_date: string;
  dry_run: number;
  /** schedule, manual, cli, catch-up */
  trigger: string;
  /** WAITING, RUNNING, SUCCEEDED, FAILED, STOOD_STILL, MISSED */
  status: string;
  /** When the run may start trading (the fire time, or the next open for a run started while closed). */
  not_before: string;
  window_end: string;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  trade_run_id: number | null;
  fallback: string | null;
  error: string | null;
  report_json: string | null;
}

export interface PipelineStepsTable {
  run_id: number;
  name: string;
  seq: number;
  /** PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED */
  status: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  evidence_json: string | null;
  error: string | null;
  /** The process that claimed the step (the lease holder). */
  owner: string | null;
}

export interface PipelineScheduleTable {
  project_id: number;
  paused: number;
  reason: string;
  changed_at: string;
  changed_by: string;
}

export interface PipelineTables {
  pipeline_runs: PipelineRunsTable;
  pipeline_steps: PipelineStepsTable;
  pipeline_schedule: PipelineScheduleTable;
}
