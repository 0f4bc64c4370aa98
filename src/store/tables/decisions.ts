import type { Generated } from 'kysely';

/**
 * Decision snapshots (src/decision). Append-only: a row is never updated; `content_json` holds the
 * whole decision as canonical JSON and `content_hash` its sha256, which execution verifies before
 * trading. The other columns repeat content fields for lookups (and are checked against it).
 */
export interface DecisionSnapshotsTable {
  id: Generated<number>;
  project_id: number;
  project_version: number;
  /** YYYY-MM-DD, the trading date the decision is for. */
  trading_date: string;
  /** model | manual | fallback */
  kind: string;
  model_version: string | null;
  /** ib | manual | snapshot (a fallback copies another snapshot's weights) */
  data_source: string;
  /** The snapshot this one replaces (an explicit, audited re-decision), else null. */
  supersedes_id: number | null;
  content_json: string;
  content_hash: string;
  created_at: string;
  created_by: string;
}

export interface DecisionTables {
  decision_snapshots: DecisionSnapshotsTable;
}
