import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const engine = engineOf(db);
  const serialId = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (c) =>
        engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  await db.schema
    .createTable('execution_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('token', 'integer', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await serialId('trade_runs')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('trading_date', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('weights_json', 'text', (c) => c.notNull())
    .addColumn('targets_json', 'text')
    .addColumn('plan_json', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('trade_runs_project_date', ['project', 'trading_date'])
    .execute();

  await serialId('trade_orders')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('trade_runs.id'))
    .addColumn('client_order_id', 'text', (c) => c.notNull().unique())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('con_id', 'integer', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('leg', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('order_type', 'text', (c) => c.notNull())
    .addColumn('limit_price', 'double precision')
    .addColumn('tif', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ib_status', 'text')
    .addColumn('ib_order_id', 'integer')
    .addColumn('perm_id', 'bigint')
    .addColumn('filled_qty', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('avg_fill_price', 'double precision')
    .addColumn('lease_token', 'integer', (c) => c.notNull())
    .addColumn('send_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('adopted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addUniqueConstraint('trade_orders_run_leg', ['run_id', 'symbol', 'side', 'leg'])
    .execute();
  await db.schema.createIndex('trade_orders_status').on('trade_orders').columns(['status']).execute();
  await db.schema
    .createIndex('trade_orders_ib_order_id')
    .on('trade_orders')
    .columns(['ib_order_id'])
    .execute();

  await serialId('trade_order_events')
    .addColumn('order_id', 'integer', (c) => c.notNull().references('trade_orders.id'))
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('ib_status', 'text')
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('detail_json', 'text')
    .execute();
  await db.schema
    .createIndex('trade_order_events_order')
    .on('trade_order_events')
    .columns(['order_id'])
    .execute();

  await db.schema
    .createTable('trade_fills')
    .addColumn('exec_id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'integer', (c) => c.notNull().references('trade_orders.id'))
    .addColumn('client_order_id', 'text', (c) => c.notNull())
    .addColumn('ib_order_id', 'integer', (c) => c.notNull())
    .addColumn('perm_id', 'bigint', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('shares', 'integer', (c) => c.notNull())
    .addColumn('price', 'double precision', (c) => c.notNull())
    .addColumn('exchange', 'text', (c) => c.notNull())
    .addColumn('exec_time', 'text', (c) => c.notNull())
    .addColumn('commission', 'double precision')
    .addColumn('commission_currency', 'text')
    .addColumn('realized_pnl', 'double precision')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trade_fills_order').on('trade_fills').columns(['order_id']).execute();

  await serialId('trade_reconciliations')
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_token', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary_json', 'text', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
}
