import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

const NOW = '2026-03-02T15:00:00.000Z';

/**
 * 0019 rebuilds trade_runs on SQLite (its old unique constraint cannot be dropped) while orders,
 * their events and fills reference it: an installation with runs must come through with every row,
 * id and reference, and with the new key.
 */
describe.each(ENGINES)('migration 0019 (run key) on %s', (engine) => {
  let store: Store | undefined;
  let target: EngineTarget | undefined;

  afterEach(async () => {
    await store?.close();
    target?.cleanup();
  });

  it('upgrades a database holding runs and orders: data, ids and the new key', async () => {
    target = await freshTarget(engine);
    store = openStore({ databaseUrl: target.databaseUrl, dataRoot: target.dataRoot });
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
    const before = await migrator.migrateTo('0018_pipeline');
    expect(before.error).toBeUndefined();
    const db = store.db;

    const project = await db
      .insertInto('projects')
      .values({ name: 'p1', description: '', current_version: 1, created_at: NOW, updated_at: NOW })
      .returning('id')
      .executeTakeFirstOrThrow();
    const projectId = Number(project.id);
    const run = (tradingDate: string, status: string) => ({
      project: 'p1',
      project_id: projectId,
      trading_date: tradingDate,
      mode: 'paper',
      status,
      weights_json: '{"AAA":0.5}',
      targets_json: '{"AAA":10}',
      plan_json: null,
      error: null,
      created_by: 'test',
      created_at: NOW,
      updated_at: NOW,
      started_at: NOW,
      finished_at: null,
      snapshot_id: null,
      snapshot_hash: null,
      pretrade_json: '{"passed":true}',
    });
    const ids: number[] = [];
    for (const [day, status] of [
      ['2026-02-23', 'COMPLETED'],
      ['2026-03-02', 'WORKING'],
      ['2026-03-09', 'FAILED'],
    ] as const) {
      const row = await db
        .insertInto('trade_runs')
        .values(run(day, status))
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    // The newest run is gone (never the case in ibloop, but AUTOINCREMENT must not hand its id out again).
    const removed = ids.pop();
    await db.deleteFrom('trade_runs').where('id', '=', Number(removed)).execute();
    const workingId = ids[1] as number;
    const order = await db
      .insertInto('trade_orders')
      .values({
        run_id: workingId,
        client_order_id: `ibl:R${workingId}:AAA:B:0`,
        symbol: 'AAA',
        con_id: 1,
        side: 'BUY',
        leg: 0,
        quantity: 10,
        order_type: 'MKT',
        limit_price: null,
        tif: 'DAY',
        account: 'DU1',
        status: 'SUBMITTED',
        ib_status: 'Submitted',
        ib_order_id: 7,
        perm_id: 70,
        filled_qty: 4,
        avg_fill_price: 10,
        lease_token: 1,
        send_attempts: 1,
        last_error: null,
        adopted: 0,
        created_at: NOW,
        updated_at: NOW,
        submitted_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('trade_order_events')
      .values({
        order_id: Number(order.id),
        time: NOW,
        kind: 'intent',
        from_status: null,
        to_status: 'NEW',
        ib_status: null,
        accepted: 1,
        detail_json: null,
      })
      .execute();
    await db
      .insertInto('trade_fills')
      .values({
        exec_id: 'e1',
        order_id: Number(order.id),
        client_order_id: `ibl:R${workingId}:AAA:B:0`,
        ib_order_id: 7,
        perm_id: 70,
        account: 'DU1',
        symbol: 'AAA',
        side: 'BUY',
        shares: 4,
        price: 10,
        exchange: 'SIM',
        exec_time: NOW,
        commission: null,
        commission_currency: null,
        realized_pnl: null,
        recorded_at: NOW,
      })
      .execute();
    const runsBefore = await db.selectFrom('trade_runs').selectAll().orderBy('id').execute();

    // The upgrade goes the way the server does it (on SQLite: inside BEGIN IMMEDIATE, foreign keys on).
    const report = await migrateToLatest(store);
    expect(report.applied).toContain('0019_run_key');

    const runsAfter = await db.selectFrom('trade_runs').selectAll().orderBy('id').execute();
    expect(runsAfter).toEqual(runsBefore.map((r) => ({ ...r, run_key: 'scheduled' })));
    const orders = await db.selectFrom('trade_orders').select(['id', 'run_id', 'filled_qty']).execute();
    expect(orders.map((o) => [Number(o.id), Number(o.run_id), Number(o.filled_qty)])).toEqual([
      [Number(order.id), workingId, 4],
    ]);
    // Orders still join their run (the rebuilt table is the one trade_orders references).
    const joined = await db
      .selectFrom('trade_orders')
      .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
      .select(['trade_runs.status'])
      .executeTakeFirstOrThrow();
    expect(joined.status).toBe('WORKING');
    if (engine === 'sqlite') {
      const check = await sql`PRAGMA foreign_key_check`.execute(db);
      expect(check.rows).toEqual([]);
    }

    // The new key: one scheduled run a day, and a defensive run beside it on the same day.
    await expect(
      db.insertInto('trade_runs').values(run('2026-03-02', 'PLANNING')).execute(),
    ).rejects.toThrow();
    const defensive = await db
      .insertInto('trade_runs')
      .values({ ...run('2026-03-02', 'PLANNING'), run_key: 'defensive:project:1@2026-03-02T16:00:00.000Z' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // A new id, above every id ever handed out (the deleted run's too).
    expect(Number(defensive.id)).toBeGreaterThan(Number(removed));
    await expect(
      db
        .insertInto('trade_runs')
        .values({ ...run('2026-03-02', 'PLANNING'), run_key: 'defensive:project:1@2026-03-02T16:00:00.000Z' })
        .execute(),
    ).rejects.toThrow();
    // Foreign keys are still enforced: an order must name a run.
    await expect(
      db
        .insertInto('trade_orders')
        .values({
          run_id: 9999,
          client_order_id: 'ibl:R9999:AAA:B:0',
          symbol: 'AAA',
          con_id: 1,
          side: 'BUY',
          leg: 0,
          quantity: 1,
          order_type: 'MKT',
          limit_price: null,
          tif: 'DAY',
          account: 'DU1',
          status: 'NEW',
          ib_status: null,
          ib_order_id: null,
          perm_id: null,
          filled_qty: 0,
          avg_fill_price: null,
          lease_token: 1,
          send_attempts: 0,
          last_error: null,
          adopted: 0,
          created_at: NOW,
          updated_at: NOW,
          submitted_at: null,
        })
        .execute(),
    ).rejects.toThrow();
    // Applied once: a second start changes nothing.
    expect((await migrateToLatest(store)).applied).toEqual([]);
  });
});
