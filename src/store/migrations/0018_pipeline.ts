import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);
  await db.schema
    .createTable('pipeline_runs')
    .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (c) =>
      engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('run_key', 'text', (c) => c.notNull().unique())
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('trading_date', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('trade_run_id', 'integer')
    .addColumn('fallback', 'text')
    .addColumn('error', 'text')
    .addColumn('report_json', 'text')
    .execute();
  await db.schema
    .createIndex('pipeline_runs_project_date')
    .on('pipeline_runs')
    .columns(['project_id', 'trading_date'])
    .execute();
  await db.schema
    .createTable('pipeline_steps')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('evidence_json', 'text')
    .addColumn('error', 'text')
    .addColumn('owner', 'text')
    .addPrimaryKeyConstraint('pipeline_steps_pk', ['run_id', 'name'])
    .execute();
  await db.schema
    .createTable('pipeline_schedule')
    .addColumn('project_id', 'integer', (c) => c.primaryKey())
    .addColumn('paused', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pipeline_schedule').execute();
  await db.schema.dropTable('pipeline_steps').execute();
  await db.schema.dropTable('pipeline_runs').execute();
}
