import type { Kysely } from 'kysely';

/**
 * The intraday monitor's marks per account: the high-water mark of net liquidation and the day's
 * starting figure survive a restart or a lease takeover, and the latest reading lets every replica
 * show today's loss and the drawdown against their limits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('risk_marks')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('trading_day', 'text', (c) => c.notNull())
    .addColumn('start_of_day_nav', 'double precision')
    .addColumn('high_water_mark', 'double precision', (c) => c.notNull())
    .addColumn('high_water_at', 'text', (c) => c.notNull())
    .addColumn('net_liquidation', 'double precision', (c) => c.notNull())
    .addColumn('daily_pnl', 'double precision')
    .addColumn('read_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('risk_marks').execute();
}
