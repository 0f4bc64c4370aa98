import type { Kysely } from 'kysely';

/**
 * The recorded IB connection state keeps why it is in its state as a code with its figures (an
 * `IbReason`, JSON) beside the English reason, so that a replica without the execution lease shows
 * the holder's reason in its reader's language. Null on rows from before: those read as the
 * `recorded` code with their English text.
 *
 * A failed reconciliation keeps its error as a catalogued message (JSON) beside the English text
 * when the error had one (IB refused: `BROKER_UNAVAILABLE` with the reason code). Null otherwise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ib_connection_state').addColumn('reason_code_json', 'text').execute();
  await db.schema.alterTable('ib_connection_history').addColumn('reason_code_json', 'text').execute();
  await db.schema.alterTable('trade_reconciliations').addColumn('error_text_json', 'text').execute();
}
