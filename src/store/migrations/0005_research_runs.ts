import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = engineOf(db) === 'postgres';
  const withId = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', postgres ? 'serial' : 'integer', (c) =>
        postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  await withId('job_runs')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('result_ref', 'text')
    .addColumn('result_json', 'text')
    .addColumn('error', 'text')
    // NULLs never collide in a unique index (SQLite and PostgreSQL), so only active jobs compete.
    .addColumn('active_key', 'text', (c) => c.unique())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('job_runs_kind_status').on('job_runs').columns(['kind', 'status']).execute();

  await withId('models')
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('project_version', 'integer')
    .addColumn('data_digest', 'text', (c) => c.notNull())
    .addColumn('metrics_json', 'text', (c) => c.notNull())
    .addColumn('symbols_count', 'integer', (c) => c.notNull())
    .addColumn('first_decision', 'text', (c) => c.notNull())
    .addColumn('last_decision', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('models_version').on('models').column('version').execute();
  await db.schema.createIndex('models_project').on('models').column('project_id').execute();

  await withId('backtests')
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('project_version', 'integer')
    .addColumn('model_version', 'text', (c) => c.notNull())
    .addColumn('data_digest', 'text', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('stats_json', 'text', (c) => c.notNull())
    .addColumn('result_hash', 'text', (c) => c.notNull())
    .addColumn('start_day', 'text', (c) => c.notNull())
    .addColumn('end_day', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backtests_project').on('backtests').column('project_id').execute();
}
