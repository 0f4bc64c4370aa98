import { type Kysely, sql } from 'kysely';

/**
 * A run names its project by id: the run key becomes (project_id, trading_date), so two spellings of
 * one project can never make two runs. `project` keeps the name the run was started under (for
 * display). Runs from before this migration get the id of the project with their name, if any.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('trade_runs')
    .addColumn('project_id', 'integer', (c) => c.references('projects.id'))
    .execute();
  await sql`UPDATE trade_runs SET project_id = (SELECT p.id FROM projects p WHERE p.name = trade_runs.project)`.execute(
    db,
  );
  await db.schema
    .createIndex('trade_runs_project_id_date')
    .on('trade_runs')
    .columns(['project_id', 'trading_date'])
    .unique()
    .execute();
}
