import { type Kysely, sql } from 'kysely';

/**
 * The audit chain becomes keyed (HMAC-SHA256 with a key kept outside the database). Records written
 * before this migration keep their plain SHA-256 hashes and still verify: `keyed_from` is the first
 * record id that must carry a keyed hash, fixed here in the same transaction that adds it, so a fresh
 * database is keyed from record 1. `key_id` is a fingerprint of the key the chain is written with,
 * recorded by the first keyed append, so a wrong or lost key is named as such instead of looking
 * like tampering.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_head').addColumn('keyed_from', 'integer').execute();
  await db.schema.alterTable('audit_head').addColumn('key_id', 'text').execute();
  await sql`update audit_head set keyed_from = seq + 1 where id = 1`.execute(db);
}
