import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as research from './0002_research.js';
import * as ib from './0003_ib.js';
import * as execution from './0004_execution.js';
import * as researchRuns from './0005_research_runs.js';
import * as auditKeyed from './0006_audit_keyed.js';
import * as runProjectId from './0007_run_project_id.js';
import * as alerts from './0008_alerts.js';
import * as monitoring from './0009_monitoring.js';
import * as themeMembership from './0010_theme_membership.js';
import * as risk from './0013_risk.js';
import * as decisions from './0014_decisions.js';
import * as runPretrade from './0015_run_pretrade.js';
import * as riskMarks from './0016_risk_marks.js';
import * as pipeline from './0018_pipeline.js';
import * as runKey from './0019_run_key.js';
import * as stateCause from './0020_state_cause.js';
import * as ibReasonCode from './0021_ib_reason_code.js';
import * as alertErrorText from './0022_alert_error_text.js';

/**
 * Versioned migrations, applied in key order. Never edit a migration that has shipped; add a new one.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_research': research,
  '0003_ib': ib,
  '0004_execution': execution,
  '0005_research_runs': researchRuns,
  '0006_audit_keyed': auditKeyed,
  '0007_run_project_id': runProjectId,
  '0008_alerts': alerts,
  '0009_monitoring': monitoring,
  '0010_theme_membership': themeMembership,
  '0013_risk': risk,
  '0014_decisions': decisions,
  '0015_run_pretrade': runPretrade,
  '0016_risk_marks': riskMarks,
  '0018_pipeline': pipeline,
  '0019_run_key': runKey,
  '0020_state_cause': stateCause,
  '0021_ib_reason_code': ibReasonCode,
  '0022_alert_error_text': alertErrorText,
};
