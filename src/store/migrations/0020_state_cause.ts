import type { Kysely } from 'kysely';

/**
 * A trading state records what an automatic change was based on (code + figures, JSON) beside the
 * reason text, so each language renders its own sentence; `reason` keeps a person's typed words.
 * Null on rows a person wrote and on rows from before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('trading_state').addColumn('cause_json', 'text').execute();
}
