import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = engineOf(db) === 'postgres';

  await db.schema
    .createTable('ib_connection_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('client_id', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('server_version', 'integer')
    .addColumn('accounts_masked', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_heartbeat_at', 'text')
    .addColumn('reconnect_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error_json', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ib_connection_history')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reconnect_count', 'integer', (c) => c.notNull())
    .addColumn('last_error_json', 'text')
    .execute();
  await db.schema
    .createIndex('ib_connection_history_time')
    .on('ib_connection_history')
    .column('time')
    .execute();

  await db.schema
    .createTable('ib_contract_cache')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('con_id', 'bigint')
    .addColumn('sec_type', 'text', (c) => c.notNull().defaultTo('STK'))
    .addColumn('exchange', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('primary_exchange', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('multiplier', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('min_tick', 'double precision', (c) => c.notNull().defaultTo(0.01))
    .addColumn('lot_size', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('long_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('industry', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('trading_hours', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('liquid_hours', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('candidates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ib_contract_cache_pk', ['symbol', 'currency'])
    .execute();
}
