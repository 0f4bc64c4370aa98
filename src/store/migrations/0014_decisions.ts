import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

/**
 * Decision snapshots (append-only: rows are inserted, never updated or deleted; a re-decision is a new
 * row naming the one it supersedes) and the snapshot a trade run was created from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);
  await db.schema
    .createTable('decision_snapshots')
    .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (c) =>
      engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('project_version', 'integer', (c) => c.notNull())
    .addColumn('trading_date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text')
    .addColumn('data_source', 'text', (c) => c.notNull())
    .addColumn('supersedes_id', 'integer')
    .addColumn('content_json', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('decision_snapshots_project_date')
    .on('decision_snapshots')
    .columns(['project_id', 'trading_date'])
    .execute();
  await db.schema
    .createIndex('decision_snapshots_supersedes')
    .on('decision_snapshots')
    .column('supersedes_id')
    .unique()
    .execute();
  await db.schema.alterTable('trade_runs').addColumn('snapshot_id', 'integer').execute();
  await db.schema.alterTable('trade_runs').addColumn('snapshot_hash', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('trade_runs').dropColumn('snapshot_hash').execute();
  await db.schema.alterTable('trade_runs').dropColumn('snapshot_id').execute();
  await db.schema.dropTable('decision_snapshots').execute();
}
