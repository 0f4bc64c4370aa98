import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';

/**
 * Versioned migrations, applied in key order. Never edit a migration that has shipped; add a new one.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};
