import { afterEach, describe, expect, it } from 'vitest';
import { alertText, type RiskAlertParams } from '../../src/contract/alert-texts.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { duplicateRefs } from '../execution/sim-env.js';
import type { ApiClient } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { shockUntilHalted, startDefendedApp } from './defensive-env.js';

const HELD = { AAPL: 0.35, MSFT: 0.3, JPM: 0.25 } as const;
/**
 * The held AAPL order is only partly filled when the shock comes: a 3% daily-loss limit halts with
 * about two thirds of the account invested. The move must pass the pre-trade rules like any run.
 */
const RISK = {
  maxDailyLoss: 0.03,
  priceBand: 0.25,
  maxOrderValue: null,
  maxAdvShare: 1,
  maxPositionWeight: 0.4,
  maxSectorWeight: 1,
};
/** The trading day of OPEN_MS (New York). */
const DAY = '2026-11-24';
/** Monitor readings the move gets to act on while the order is held (one a second). */
const PASSES_MS = 3_000;

interface RunView {
  id: number;
  status: string;
  createdBy: string;
  kind: string;
}

/**
 * Issue #13: the defensive move waits for an order of the day's scheduled run that is still out at
 * the broker when the halt comes, and sizes from the positions its fills really left. The built-in
 * gateway over TCP holds the order (`hold-order` fault): it fills only part, and the halt's cancel
 * stays PendingCancel until the test releases it. The wait is bounded: past `maxWaitMinutes` the
 * broker is asked again and an alert names the order, and nothing is sent while it is out.
 */
describe.each(ENGINES)('defensive move waits for an order still out, %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The day's scheduled run buys HELD; its AAPL order fills `firstFill` shares and is held there. */
  async function setup(defensive: { action: 'cash'; maxWaitMinutes?: number }) {
    const { sim, clock, t, api } = await startDefendedApp(engine, cleanups);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Defensive wait test',
      members: Object.keys(HELD).map((symbol) => ({ symbol, sector: 'Information Technology' })),
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'defended',
      params: { themeIds: [theme.body.theme.id], risk: { ...RISK, defensive } },
    });
    expect(project.status).toBe(201);
    const projectId = project.body.project.id;
    const db = t.app.ctx.store.db;

    await sim.faults.holdOrders('AAPL', 0);
    const weekly = await api.request<{ run: RunView }>('POST', '/api/execution/runs', {
      projectId,
      tradingDate: DAY,
      weights: HELD,
    });
    expect(weekly.status).toBe(201);
    const runId = weekly.body.run.id;
    const orderOf = (symbol: string) =>
      db
        .selectFrom('trade_orders')
        .select(['id', 'status', 'quantity', 'filled_qty', 'client_order_id'])
        .where('run_id', '=', runId)
        .where('symbol', '=', symbol)
        .executeTakeFirstOrThrow();
    // MSFT and JPM fill; AAPL is acknowledged and stays working unfilled.
    await pollUntil(
      async () => Promise.all(['AAPL', 'MSFT', 'JPM'].map(orderOf)),
      ([aapl, msft, jpm]) =>
        aapl?.status === 'SUBMITTED' && msft?.status === 'FILLED' && jpm?.status === 'FILLED',
      30_000,
    );
    const aapl = await orderOf('AAPL');
    const firstFill = Math.floor(aapl.quantity / 3);
    await sim.faults.holdOrders('AAPL', firstFill);
    await pollUntil(
      () => orderOf('AAPL'),
      (o) => o.status === 'PARTIAL' && o.filled_qty === firstFill,
    );
    return { sim, clock, t, api, db, projectId, runId, orderOf, firstFill };
  }

  const places = (sim: SimGatewayHandle) => sim.orderLog().filter((e) => e.kind === 'place');
  const positions = (sim: SimGatewayHandle) =>
    Object.fromEntries(
      [...sim.gateway.broker.account.positions.values()]
        .filter((p) => p.quantity !== 0)
        .map((p) => [p.instrument.symbol, p.quantity]),
    );
  const defensiveRuns = async (api: ApiClient) =>
    (await api.request<{ runs: RunView[] }>('GET', '/api/execution/runs')).body.runs.filter(
      (r) => r.kind === 'defensive',
    );

  /** Shocks the held names until the project is HALTED and the halt's cancel is pending at the broker. */
  async function halt(env: Awaited<ReturnType<typeof setup>>) {
    const { sim, api, projectId } = env;
    await shockUntilHalted(sim, api, projectId, Object.keys(HELD));
    // The monitor cancelled the held order: IB answered PendingCancel and nothing more.
    await pollUntil(
      async () => sim.gateway.faults.pendingCancels.size,
      (n) => n === 1,
    );
  }

  /** Releases the hold; the move then sends once, selling exactly what the account holds. */
  async function releaseAndDefend(env: Awaited<ReturnType<typeof setup>>, sentBefore: number) {
    const { sim, api } = env;
    await sim.faults.releaseOrders('AAPL');
    const aapl = await pollUntil(
      () => env.orderOf('AAPL'),
      (o) => o.status === 'CANCELED',
    );
    // What the fills really left (the gateway's own book), before the move has sold anything.
    const held = positions(sim);
    expect(held.AAPL).toBe(aapl.filled_qty);
    const [move] = await pollUntil(
      () => defensiveRuns(api),
      (runs) =>
        runs[0]?.status === 'COMPLETED' || runs[0]?.status === 'BLOCKED' || runs[0]?.status === 'FAILED',
      30_000,
    );
    expect(move?.status).toBe('COMPLETED');
    const sells = places(sim).slice(sentBefore);
    expect(Object.fromEntries(sells.map((e) => [e.symbol, `${e.action} ${e.totalQuantity}`]))).toEqual(
      Object.fromEntries(Object.entries(held).map(([symbol, q]) => [symbol, `SELL ${q}`])),
    );
    for (const sell of sells) expect(sell.orderRef).toMatch(new RegExp(`^ibl:R${move?.id}:`));
    expect(positions(sim)).toEqual({});
    expect(duplicateRefs(sim)).toEqual([]);
    // Once: a later reading sends nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(places(sim)).toHaveLength(sentBefore + sells.length);
    expect(await defensiveRuns(api)).toHaveLength(1);
    return aapl;
  }

  it('sends nothing while the scheduled run’s order is out, then once, sized from its fills', async () => {
    const env = await setup({ action: 'cash' });
    const { sim, api, firstFill } = env;
    const bought = places(sim).length;
    expect(bought).toBe(3);
    await halt(env);
    // IB may still fill an order whose cancel is pending: more AAPL arrives during the wait.
    const secondFill = firstFill + Math.max(1, Math.floor(firstFill / 2));
    await sim.faults.holdOrders('AAPL', secondFill);
    await pollUntil(
      () => env.orderOf('AAPL'),
      (o) => o.filled_qty === secondFill,
    );
    await new Promise((resolve) => setTimeout(resolve, PASSES_MS));
    expect(places(sim)).toHaveLength(bought);
    expect(await defensiveRuns(api)).toEqual([]);
    // Within its bound the wait is quiet: no waiting event, no alert.
    const waiting = await env.db
      .selectFrom('risk_events')
      .select('id')
      .where('kind', '=', 'defensive.waiting')
      .execute();
    expect(waiting).toEqual([]);

    const aapl = await releaseAndDefend(env, bought);
    expect(aapl.filled_qty).toBe(secondFill);
  }, 150_000);

  it('past its bound asks the broker again and alerts once, naming the order; still sends nothing', async () => {
    const env = await setup({ action: 'cash', maxWaitMinutes: 1 });
    const { sim, api, db, projectId, clock } = env;
    const bought = places(sim).length;
    await halt(env);
    const aapl = await env.orderOf('AAPL');
    const cancelRequests = async () =>
      (
        await db
          .selectFrom('trade_order_events')
          .select('id')
          .where('order_id', '=', aapl.id)
          .where('kind', '=', 'cancel-request')
          .execute()
      ).length;
    const reconciliations = async () =>
      (
        await db
          .selectFrom('trade_reconciliations')
          .select('id')
          .where('reason', '=', 'manual')
          .where('status', '=', 'ok')
          .execute()
      ).length;
    const reconciledBefore = await reconciliations();

    // Still inside the bound: nothing asked again (the account's halt may have cancelled it too).
    await new Promise((resolve) => setTimeout(resolve, PASSES_MS));
    const asked = await cancelRequests();
    expect(asked).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, PASSES_MS));
    expect(await cancelRequests()).toBe(asked);
    expect(await reconciliations()).toBe(reconciledBefore);

    sim.clock.advance(61_000);
    const events = await pollUntil(
      () => db.selectFrom('risk_events').selectAll().where('kind', '=', 'defensive.waiting').execute(),
      (rows) => rows.length > 0,
    );
    expect(events).toHaveLength(1);
    const detail = JSON.parse(events[0]?.detail_json ?? '{}') as {
      orders: Array<{ clientOrderId: string; symbol: string }>;
      maxWaitMinutes: number;
    };
    expect(detail.maxWaitMinutes).toBe(1);
    expect(detail.orders).toEqual([
      expect.objectContaining({ clientOrderId: aapl.client_order_id, symbol: 'AAPL' }),
    ]);
    // The broker was asked where the order stands, and to cancel it again.
    expect(await reconciliations()).toBeGreaterThan(reconciledBefore);
    expect(await cancelRequests()).toBe(asked + 1);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'risk.defensive.waiting')
      .execute();
    expect(audit).toHaveLength(1);

    const alerts = await db
      .selectFrom('alert_outbox')
      .selectAll()
      .where('dedupe_key', 'like', `defensive-wait|${projectId}|%`)
      .execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.kind).toBe('risk.triggered');
    const params = JSON.parse(alerts[0]?.params_json ?? '{}') as RiskAlertParams;
    expect(params).toMatchObject({ rule: 'defensive', move: 'cash', waitMinutes: 1, project: 'defended' });
    expect(params.ordersOut).toEqual([
      expect.objectContaining({ clientOrderId: aapl.client_order_id, symbol: 'AAPL', side: 'BUY' }),
    ]);
    // Rendered in either language from the codes: the order and its symbol named, no English in Chinese.
    const zh = alertText('risk.triggered', params, 'zh-CN');
    const en = alertText('risk.triggered', params, 'en');
    for (const text of [zh, en]) {
      expect(text).toContain('AAPL');
      expect(text).toContain(aapl.client_order_id);
    }
    expect(en).toContain('still out at the broker');
    expect(zh).toContain('券商处未完结');
    expect(zh.replace(aapl.client_order_id, '').replace(/defended|AAPL|BUY/g, '')).not.toMatch(
      /[A-Za-z]{3,}/,
    );

    // It keeps waiting: later readings and a second bound send nothing and alert no more.
    await new Promise((resolve) => setTimeout(resolve, PASSES_MS));
    sim.clock.advance(61_000);
    await pollUntil(cancelRequests, (n) => n === asked + 2);
    await new Promise((resolve) => setTimeout(resolve, PASSES_MS));
    expect(places(sim)).toHaveLength(bought);
    expect(await defensiveRuns(api)).toEqual([]);
    expect(
      await db.selectFrom('risk_events').select('id').where('kind', '=', 'defensive.waiting').execute(),
    ).toHaveLength(1);
    expect(
      await db
        .selectFrom('alert_outbox')
        .select('id')
        .where('dedupe_key', 'like', `defensive-wait|${projectId}|%`)
        .execute(),
    ).toHaveLength(1);
    expect(clock.nowMs()).toBe(sim.clock.nowMs());

    // Once the broker finalises the order, the move goes ahead from the real positions.
    await releaseAndDefend(env, bought);
  }, 150_000);
});
