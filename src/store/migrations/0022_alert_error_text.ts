import type { Kysely } from 'kysely';

/**
 * A failed alert delivery keeps why as a catalogued message (JSON: Telegram's answer as a code, its
 * own words a parameter) beside the English `last_error`, so that the Alerts page says it in its
 * reader's language. Null on rows from before and for failures that are not Telegram's answer:
 * those show their stored text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('alert_outbox').addColumn('last_error_text_json', 'text').execute();
}
