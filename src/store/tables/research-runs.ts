import type { Generated } from 'kysely';

/**
 * Long-running research work (imports, downloads, training, backtests, demo seeding) and what it
 * produced. Times are ISO-8601 UTC strings; JSON is text (see schema.ts).
 */
export interface JobRunsTable {
  id: Generated<number>;
  kind: string;
  /** What the job works on (`project:3`, `alpha-store`, ...); one active job per kind and scope. */
  scope: string;
  status: string;
  /** 0..1. */
  progress: number;
  message: string;
  params_json: string;
  /** What the job produced, e.g. `model:<version>` or `backtest:<id>`. */
  result_ref: string | null;
  result_json: string | null;
  error: string | null;
  /**
   * `kind|scope` while queued or running, NULL when finished: the unique index on it makes "one active
   * job per kind and scope" hold across processes sharing the database.
   */
  active_key: string | null;
  actor: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** One row per trained model (and project that trained it); the registry JSON file is the full record. */
export interface ModelsTable {
  id: Generated<number>;
  /** Content hash of data digest, features, parameters, seed and code version. */
  version: string;
  family: string;
  project_id: number | null;
  project_version: number | null;
  data_digest: string;
  metrics_json: string;
  symbols_count: number;
  first_decision: string;
  last_decision: string;
  path: string;
  created_at: string;
}

export interface BacktestsTable {
  id: Generated<number>;
  project_id: number | null;
  project_version: number | null;
  model_version: string;
  data_digest: string;
  config_json: string;
  stats_json: string;
  /** sha256 of the canonical result JSON: equal inputs give equal hashes. */
  result_hash: string;
  start_day: string;
  end_day: string;
  /** The full result JSON under `<dataRoot>/backtests/`. */
  path: string;
  job_id: number | null;
  created_at: string;
}

export interface ResearchRunTables {
  job_runs: JobRunsTable;
  models: ModelsTable;
  backtests: BacktestsTable;
}
