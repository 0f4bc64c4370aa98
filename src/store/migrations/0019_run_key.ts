import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.js';

/**
 * A trade run's key gains a kind: (project_id, trading_date, run_key). `run_key` is 'scheduled' for
 * the weekly and manual run of a day (every run before this migration is one; a second trigger of
 * the day still joins it) and `defensive:<haltKey>` for a halt's defensive move, so that a halt
 * during a day whose rebalance already ran is defended the same day, each halt exactly once.
 *
 * A column on the run rather than a second table: every lookup of "the run of project P on date D"
 * then says which run it means, and one unique index keeps both guarantees (one scheduled run per
 * day, one move per halt). The old keys go: the name key of 0004 (project, trading_date) and the id
 * key of 0007 (project_id, trading_date) would refuse the second run of a day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (engineOf(db) === 'postgres') {
    await sql`ALTER TABLE trade_runs ADD COLUMN run_key text NOT NULL DEFAULT 'scheduled'`.execute(db);
    await sql`ALTER TABLE trade_runs DROP CONSTRAINT trade_runs_project_date`.execute(db);
    await sql`DROP INDEX trade_runs_project_id_date`.execute(db);
  } else {
    await rebuildSqlite(db);
  }
  await db.schema
    .createIndex('trade_runs_run_key')
    .on('trade_runs')
    .columns(['project_id', 'trading_date', 'run_key'])
    .unique()
    .execute();
}

/**
 * SQLite cannot drop a table constraint: the table is rebuilt. Migrations run inside one BEGIN
 * IMMEDIATE transaction (connect.ts), where `PRAGMA foreign_keys` cannot be switched off, and
 * trade_orders references trade_runs. So the foreign keys are deferred to the commit instead, and the
 * order of steps keeps their count at zero there: dropping the old table counts each order as a
 * violation, and inserting the rows into the new table (after the rename, so the orders' REFERENCES
 * "trade_runs" name it) counts each one as resolved again. A copy in a TEMP table carries the rows
 * across. Ids are kept, and so is the AUTOINCREMENT high mark (a deleted run's id is never reused).
 */
async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  const columns = sql.raw(
    [
      'id',
      'project',
      'trading_date',
      'mode',
      'status',
      'weights_json',
      'targets_json',
      'plan_json',
      'error',
      'created_by',
      'created_at',
      'updated_at',
      'started_at',
      'finished_at',
      'project_id',
      'snapshot_id',
      'snapshot_hash',
      'pretrade_json',
    ].join(', '),
  );
  const sequence = await sql<{
    seq: number;
  }>`SELECT seq FROM sqlite_sequence WHERE name = 'trade_runs'`.execute(db);
  await sql`PRAGMA defer_foreign_keys = ON`.execute(db);
  await sql`CREATE TEMP TABLE trade_runs_0019 AS SELECT * FROM trade_runs`.execute(db);
  await sql`CREATE TABLE trade_runs_new (
    id integer PRIMARY KEY AUTOINCREMENT,
    project text NOT NULL,
    trading_date text NOT NULL,
    mode text NOT NULL,
    status text NOT NULL,
    weights_json text NOT NULL,
    targets_json text,
    plan_json text,
    error text,
    created_by text NOT NULL,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    started_at text,
    finished_at text,
    project_id integer REFERENCES projects (id),
    snapshot_id integer,
    snapshot_hash text,
    pretrade_json text,
    run_key text NOT NULL DEFAULT 'scheduled'
  )`.execute(db);
  await sql`DROP TABLE trade_runs`.execute(db);
  await sql`ALTER TABLE trade_runs_new RENAME TO trade_runs`.execute(db);
  await sql`INSERT INTO trade_runs (${columns}) SELECT ${columns} FROM temp.trade_runs_0019 ORDER BY id`.execute(
    db,
  );
  await sql`DROP TABLE temp.trade_runs_0019`.execute(db);
  const seq = Number(sequence.rows[0]?.seq ?? 0);
  if (seq > 0) {
    await sql`UPDATE sqlite_sequence SET seq = max(seq, ${seq}) WHERE name = 'trade_runs'`.execute(db);
  }
  // Every order must still name a run; fail the migration (and roll it back) rather than commit less.
  const dangling = await sql`PRAGMA foreign_key_check(trade_orders)`.execute(db);
  if (dangling.rows.length > 0) {
    throw new Error(`0019: ${dangling.rows.length} trade order(s) would lose their run`);
  }
  await sql`PRAGMA defer_foreign_keys = OFF`.execute(db);
}
