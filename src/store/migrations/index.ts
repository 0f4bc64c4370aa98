import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as research from './0002_research.js';
import * as ib from './0003_ib.js';
import * as execution from './0004_execution.js';
import * as researchRuns from './0005_research_runs.js';

/**
 * Versioned migrations, applied in key order. Never edit a migration that has shipped; add a new one.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_research': research,
  '0003_ib': ib,
  '0004_execution': execution,
  '0005_research_runs': researchRuns,
};
