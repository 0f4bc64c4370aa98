import type { Generated } from 'kysely';
import type { AlertTables } from './tables/alerts.js';
import type { DecisionTables } from './tables/decisions.js';
import type { ExecutionTables } from './tables/execution.js';
import type { IbTables } from './tables/ib.js';
import type { MonitoringTables } from './tables/monitoring.js';
import type { PipelineTables } from './tables/pipeline.js';
import type { ResearchTables } from './tables/research.js';
import type { ResearchRunTables } from './tables/research-runs.js';
import type { RiskTables } from './tables/risk.js';

/**
 * Table types shared by every engine. Times are ISO-8601 UTC strings (they sort lexically and
 * mean the same on SQLite and PostgreSQL); JSON is stored as text for the same reason.
 */
export interface SettingsTable {
  key: string;
  value: string;
  encrypted: number;
  updated_at: string;
  updated_by: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  last_hash: string;
  /** First record id hashed with the audit key (0006_audit_keyed); earlier ones are plain SHA-256. */
  keyed_from: number | null;
  /** Fingerprint of the audit key the chain is written with; set by the first keyed append. */
  key_id: string | null;
}

export interface AuditLogTable {
  id: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface FoundationTables {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_head: AuditHeadTable;
  audit_log: AuditLogTable;
}

/** Every table; each module's migration adds its group here. */
export interface Database
  extends FoundationTables,
    ResearchTables,
    IbTables,
    ExecutionTables,
    ResearchRunTables,
    AlertTables,
    MonitoringTables,
    RiskTables,
    PipelineTables,
    DecisionTables {}
