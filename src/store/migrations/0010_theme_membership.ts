import type { Kysely } from 'kysely';

/**
 * Point-in-time universes: a theme member may carry the days it joined and left (inclusive, YYYY-MM-DD;
 * NULL = open-ended), so a backtest of an index's history holds only the names that were in it then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('theme_members').addColumn('member_from', 'text').execute();
  await db.schema.alterTable('theme_members').addColumn('member_to', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('theme_members').dropColumn('member_to').execute();
  await db.schema.alterTable('theme_members').dropColumn('member_from').execute();
}
