import type { Kysely } from 'kysely';

/**
 * A run records the verdict of every pre-trade rule with its numbers (JSON), pass or fail, so the
 * run view can show why it was sent or BLOCKED. Null for runs from before pre-trade checks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('trade_runs').addColumn('pretrade_json', 'text').execute();
}
