import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';

/** Account and position snapshots: the live equity curve, drawdown, exposure and daily PnL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = engineOf(db) === 'postgres';
  await db.schema
    .createTable('account_snapshots')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('trading_day', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('net_liquidation', 'double precision', (c) => c.notNull())
    .addColumn('total_cash', 'double precision', (c) => c.notNull())
    .addColumn('buying_power', 'double precision', (c) => c.notNull())
    .addColumn('available_funds', 'double precision', (c) => c.notNull())
    .addColumn('excess_liquidity', 'double precision', (c) => c.notNull())
    .addColumn('init_margin', 'double precision')
    .addColumn('maint_margin', 'double precision')
    .addColumn('gross_position_value', 'double precision', (c) => c.notNull())
    .addColumn('daily_pnl', 'double precision')
    .addColumn('unrealized_pnl', 'double precision')
    .addColumn('realized_pnl', 'double precision')
    .execute();
  await db.schema.createIndex('account_snapshots_time').on('account_snapshots').columns(['time']).execute();

  await db.schema
    .createTable('position_snapshots')
    .addColumn('snapshot_id', 'integer', (c) => c.notNull().references('account_snapshots.id'))
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('con_id', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('avg_cost', 'double precision', (c) => c.notNull())
    .addColumn('market_price', 'double precision', (c) => c.notNull())
    .addColumn('market_value', 'double precision', (c) => c.notNull())
    .addColumn('unrealized_pnl', 'double precision', (c) => c.notNull())
    .addColumn('realized_pnl', 'double precision', (c) => c.notNull())
    .addColumn('sector', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('position_snapshots_pk', ['snapshot_id', 'symbol'])
    .execute();
}
