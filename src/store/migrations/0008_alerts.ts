import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = engineOf(db) === 'postgres';

  await db.schema
    .createTable('alert_outbox')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    // `kind|dedupe key` while the alert is open, NULL once resolved: the unique index makes "one open
    // alert per key" hold across replicas (NULLs never collide on SQLite or PostgreSQL).
    .addColumn('open_key', 'text', (c) => c.unique())
    // When an open alert without a recovery kind stops absorbing repeats (its suppression window).
    .addColumn('open_until', 'text')
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('suppressed_reason', 'text')
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema.createIndex('alert_outbox_status').on('alert_outbox').columns(['status', 'id']).execute();
  await db.schema.createIndex('alert_outbox_kind').on('alert_outbox').columns(['kind', 'id']).execute();

  // One row per channel: who delivers (a claim two replicas cannot both win) and until when the
  // channel is paused (Telegram's retry_after or our back-off), so a restart keeps honouring it.
  await db.schema
    .createTable('alert_delivery')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('blocked_until', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const epoch = '1970-01-01T00:00:00.000Z';
  await (db as Kysely<{ alert_delivery: Record<string, unknown> }>)
    .insertInto('alert_delivery')
    .values({ channel: 'telegram', holder: null, expires_at: epoch, blocked_until: epoch, failures: 0 })
    .execute();

  await db.schema
    .createTable('alert_rules')
    .addColumn('kind', 'text', (c) => c.primaryKey())
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('snoozed_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}
