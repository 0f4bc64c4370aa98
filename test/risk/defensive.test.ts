import { afterEach, describe, expect, it } from 'vitest';
import type { RiskStateResponse } from '../../src/contract/risk.js';
import { ManualClock } from '../../src/core/clock.js';
import { type RunningApp, startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { duplicateRefs, OPEN_MS, startSim } from '../execution/sim-env.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

const ACCOUNT = 'DU1234567';
const HELD = { AAPL: 0.35, MSFT: 0.3, JPM: 0.25 } as const;
/** The move must pass the pre-trade rules like any run: the shock moved prices ~8% off the close. */
const RISK = { maxDailyLoss: 0.05, priceBand: 0.25, maxOrderValue: null, maxAdvShare: 1 };

interface RunView {
  id: number;
  status: string;
  createdBy: string;
  snapshotId: number | null;
}

/**
 * Issue #13's defensive action against the paper gateway over TCP: a -8% shock on the held names
 * halts the project, and the lease holder sells to cash (or moves into the defensive asset) through
 * the normal execution path, once: no duplicate order, nothing more after a restart.
 */
describe.each(ENGINES)('defensive move on a halt, %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(defensive: { action: 'cash' } | { action: 'asset'; symbol: string }) {
    const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000, pnlUpdateMs: 200 });
    const sim = started.sim;
    cleanups.push(() => sim.close());
    const clock = new ManualClock(started.simClock.nowMs());
    started.simClock.onChange((now) => clock.set(now));
    const env = { IB_HOST: '127.0.0.1', IB_PORT: String(sim.port), IB_ACCOUNT: ACCOUNT, IB_MODE: 'paper' };
    const t = await startTestApp(engine, { clock, trading: { enabled: true, builtInGateway: 'off' }, env });
    cleanups.push(() => t.close().catch(() => undefined));
    const api = new ApiClient(t.app.url);
    await api.login('admin', TEST_ADMIN_PASSWORD);
    await pollUntil(
      async () => (await api.request<{ tradable: boolean }>('GET', '/api/ib/status')).body,
      (s) => s.tradable,
    );
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Defensive test',
      members: [...Object.keys(HELD), 'KO'].map((symbol) => ({ symbol, sector: 'Information Technology' })),
    });
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'defended',
      params: { themeIds: [theme.body.theme.id], risk: { ...RISK, defensive } },
    });
    expect(project.status).toBe(201);
    // Positions from an earlier week, straight into the paper account: no run holds today's key.
    const now = started.simClock.nowMs();
    sim.gateway.broker.account.values(now);
    for (const [symbol, weight] of Object.entries(HELD)) {
      const instrument = sim.gateway.market.instrument(symbol);
      const price = sim.gateway.market.quoteAt(symbol, now)?.last ?? 0;
      if (!instrument || !(price > 0)) throw new Error(`no price for ${symbol}`);
      sim.gateway.broker.account.applyFill(
        instrument,
        'BUY',
        Math.floor((1_000_000 * weight) / price),
        price,
        0,
      );
    }
    return { sim, clock, t, api, env, projectId: project.body.project.id };
  }

  const places = (sim: SimGatewayHandle) => sim.orderLog().filter((e) => e.kind === 'place');
  const held = (sim: SimGatewayHandle) =>
    [...sim.gateway.broker.account.positions.values()]
      .filter((p) => p.quantity !== 0)
      .map((p) => p.instrument.symbol);

  async function haltAndDefend(env: Awaited<ReturnType<typeof setup>>) {
    const { sim, api, projectId } = env;
    await pollUntil(
      async () => (await api.request<{ reading: unknown }>('GET', '/api/risk/status')).body,
      (s) => s.reading !== null,
    );
    for (const symbol of Object.keys(HELD)) await sim.faults.shock(symbol, -8);
    await pollUntil(
      async () =>
        (await api.request<RiskStateResponse>('GET', `/api/risk/state?project=${projectId}`)).body.effective,
      (s) => s.state === 'HALTED',
      10_000,
    );
    const run = await pollUntil(
      async () =>
        (await api.request<{ runs: RunView[] }>('GET', '/api/execution/runs')).body.runs.find(
          (r) => r.createdBy === 'risk-defensive',
        ),
      (r) => r?.status === 'COMPLETED' || r?.status === 'BLOCKED' || r?.status === 'FAILED',
      30_000,
    );
    expect(run?.status).toBe('COMPLETED');
    return run as RunView;
  }

  async function expectOnce(env: Awaited<ReturnType<typeof setup>>, run: RunView) {
    const db = env.t.app.ctx.store.db;
    const events = await db
      .selectFrom('risk_events')
      .selectAll()
      .where('kind', '=', 'defensive.started')
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.detail_json ?? '{}')).toMatchObject({ snapshotId: run.snapshotId });
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'risk.defensive.started')
      .execute();
    expect(audit).toHaveLength(1);
    const alerts = await db
      .selectFrom('alert_outbox')
      .selectAll()
      .where('dedupe_key', 'like', `defensive|${env.projectId}|%`)
      .execute();
    expect(alerts).toHaveLength(1);
    const snapshot = await db
      .selectFrom('decision_snapshots')
      .select(['kind', 'data_source'])
      .where('id', '=', run.snapshotId ?? 0)
      .executeTakeFirstOrThrow();
    expect(snapshot).toEqual({ kind: 'defensive', data_source: 'risk' });
    expect(duplicateRefs(env.sim)).toEqual([]);
  }

  it('sells to cash once after a shock halts the project; a restart sends nothing more', async () => {
    const env = await setup({ action: 'cash' });
    const run = await haltAndDefend(env);
    const sent = places(env.sim);
    expect(sent.map((e) => `${e.action} ${e.symbol}`).sort()).toEqual(['SELL AAPL', 'SELL JPM', 'SELL MSFT']);
    expect(held(env.sim)).toEqual([]);
    await expectOnce(env, run);

    // Still halted, still the same halt: later checks, a restart and a new lease holder add nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await env.t.app.close();
    const replica: RunningApp = await startApp({
      env: {
        IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        LOG_LEVEL: 'silent',
        ...env.env,
        ...(env.t.target.databaseUrl ? { DATABASE_URL: env.t.target.databaseUrl } : {}),
      },
      clock: env.clock,
      trading: { enabled: true, builtInGateway: 'off' },
      dataRoot: env.t.target.dataRoot,
      host: '127.0.0.1',
      port: 0,
    });
    cleanups.push(() => replica.close().catch(() => undefined));
    const api = new ApiClient(replica.url);
    await api.login('admin', TEST_ADMIN_PASSWORD);
    await pollUntil(
      async () => (await api.request<{ tradable: boolean }>('GET', '/api/ib/status')).body,
      (s) => s.tradable,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(places(env.sim)).toHaveLength(sent.length);
    await expectOnce({ ...env, t: { ...env.t, app: replica } }, run);
  }, 120_000);

  it('moves into the defensive asset: sells the held names and buys it, through the halt', async () => {
    const env = await setup({ action: 'asset', symbol: 'KO' });
    const run = await haltAndDefend(env);
    const sent = places(env.sim);
    expect(sent.map((e) => `${e.action} ${e.symbol}`).sort()).toEqual([
      'BUY KO',
      'SELL AAPL',
      'SELL JPM',
      'SELL MSFT',
    ]);
    expect(held(env.sim)).toEqual(['KO']);
    await expectOnce(env, run);
    // The halt still stops every other run.
    const state = await env.api.request<RiskStateResponse>('GET', `/api/risk/state?project=${env.projectId}`);
    expect(state.body.effective.state).toBe('HALTED');
  }, 120_000);
});
