import { afterEach, describe, expect, it } from 'vitest';
import type { RiskStateResponse } from '../../src/contract/risk.js';
import { ExecutionRepository } from '../../src/execution/index.js';
import { type RunningApp, startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { duplicateRefs } from '../execution/sim-env.js';
import { ApiClient, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { shockUntilHalted, startDefendedApp } from './defensive-env.js';

const HELD = { AAPL: 0.35, MSFT: 0.3, JPM: 0.25 } as const;
/** The move must pass the pre-trade rules like any run: the shock moved prices ~8% off the close. */
const RISK = { maxDailyLoss: 0.05, priceBand: 0.25, maxOrderValue: null, maxAdvShare: 1 };

interface RunView {
  id: number;
  status: string;
  createdBy: string;
  snapshotId: number | null;
  tradingDate: string;
  runKey: string;
  kind: string;
}

/** The trading day of OPEN_MS (New York). */
const DAY = '2026-11-24';

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

  /**
   * `positions: 'account'` puts the held names straight into the paper account (an earlier week's
   * run: no run of today); `'run'` buys them with today's scheduled run through the API and waits
   * for it to complete, so the halt comes on the day the project already traded.
   */
  async function setup(
    defensive: { action: 'cash' } | { action: 'asset'; symbol: string },
    positions: 'account' | 'run' = 'account',
  ) {
    const { started, sim, clock, t, api, env } = await startDefendedApp(engine, cleanups);
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Defensive test',
      members: [...Object.keys(HELD), 'KO'].map((symbol) => ({ symbol, sector: 'Information Technology' })),
    });
    // The scheduled run buys 35% of one name in one sector: its caps must allow that.
    const caps = positions === 'run' ? { maxPositionWeight: 0.4, maxSectorWeight: 1 } : {};
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'defended',
      params: { themeIds: [theme.body.theme.id], risk: { ...RISK, ...caps, defensive } },
    });
    expect(project.status).toBe(201);
    const projectId = project.body.project.id;
    if (positions === 'run') {
      const weekly = await api.request<{ run: RunView }>('POST', '/api/execution/runs', {
        projectId,
        tradingDate: DAY,
        weights: HELD,
      });
      expect(weekly.status).toBe(201);
      const done = await pollUntil(
        async () =>
          (await api.request<{ run: RunView }>('GET', `/api/execution/runs/${weekly.body.run.id}`)).body.run,
        (r) => r.status !== 'PLANNING' && r.status !== 'SUBMITTING' && r.status !== 'WORKING',
        30_000,
      );
      expect(done.status).toBe('COMPLETED');
      return { sim, clock, t, api, env, projectId, weeklyRunId: weekly.body.run.id };
    }
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
    return { sim, clock, t, api, env, projectId, weeklyRunId: null };
  }

  const places = (sim: SimGatewayHandle) => sim.orderLog().filter((e) => e.kind === 'place');
  const held = (sim: SimGatewayHandle) =>
    [...sim.gateway.broker.account.positions.values()]
      .filter((p) => p.quantity !== 0)
      .map((p) => p.instrument.symbol);

  async function haltAndDefend(env: Awaited<ReturnType<typeof setup>>) {
    const { sim, api, projectId } = env;
    await shockUntilHalted(sim, api, projectId, Object.keys(HELD));
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

    await expectNothingMore(env, run, sent.length);
  }, 120_000);

  /** Still halted, still the same halt: later checks, a restart and a new lease holder add nothing. */
  async function expectNothingMore(env: Awaited<ReturnType<typeof setup>>, run: RunView, sent: number) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(places(env.sim)).toHaveLength(sent);
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
    expect(places(env.sim)).toHaveLength(sent);
    await expectOnce({ ...env, t: { ...env.t, app: replica } }, run);
    return { api, replica };
  }

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
  it('defends on the day the weekly run traded: the move runs beside it, the same day, once', async () => {
    const env = await setup({ action: 'cash' }, 'run');
    const bought = places(env.sim);
    expect(bought.map((e) => `${e.action} ${e.symbol}`).sort()).toEqual(['BUY AAPL', 'BUY JPM', 'BUY MSFT']);
    const run = await haltAndDefend(env);
    // The same trading day as the weekly run, not the next one.
    expect(run).toMatchObject({ tradingDate: DAY, kind: 'defensive' });
    expect(run.runKey).toMatch(/^defensive:(account|project:\d+)@/);
    const sells = places(env.sim).slice(bought.length);
    expect(sells.map((e) => `${e.action} ${e.symbol}`).sort()).toEqual([
      'SELL AAPL',
      'SELL JPM',
      'SELL MSFT',
    ]);
    // Sent on day D (the gateway's own clock), by the defensive run (its order refs name its id).
    for (const sell of sells) {
      expect(new Date(sell.simTimeMs).toISOString().slice(0, 10)).toBe(DAY);
      expect(sell.orderRef).toMatch(new RegExp(`^ibl:R${run.id}:`));
    }
    expect(held(env.sim)).toEqual([]);
    await expectOnce(env, run);
    // Nothing was deferred: that path is gone.
    const deferred = await env.t.app.ctx.store.db
      .selectFrom('risk_events')
      .select('id')
      .where('kind', '=', 'defensive.deferred')
      .execute();
    expect(deferred).toEqual([]);

    const { api, replica } = await expectNothingMore(env, run, bought.length + sells.length);
    // Both runs of the day, each with its kind; the listing and the run view agree.
    const { runs } = (await api.request<{ runs: RunView[] }>('GET', '/api/execution/runs')).body;
    const ofDay = runs.filter((r) => r.tradingDate === DAY).map((r) => [r.id, r.kind, r.runKey, r.status]);
    expect(ofDay).toEqual([
      [run.id, 'defensive', run.runKey, 'COMPLETED'],
      [env.weeklyRunId, 'scheduled', 'scheduled', 'COMPLETED'],
    ]);
    const view = (await api.request<{ run: RunView }>('GET', `/api/execution/runs/${run.id}`)).body.run;
    expect(view).toMatchObject({ id: run.id, kind: 'defensive', tradingDate: DAY });
    // The day's scheduled run is still the one a lookup by date finds (what the pipeline uses), and a
    // second trigger of the day joins it rather than the move (and sends nothing: it is done).
    const ctx = replica.ctx;
    const repo = new ExecutionRepository(ctx.store.db, ctx.store.engine, ctx.audit, ctx.clock);
    expect((await repo.runOn(env.projectId, DAY))?.id).toBe(env.weeklyRunId);
    expect((await repo.runOn(env.projectId, DAY, run.runKey))?.id).toBe(run.id);
    const again = await api.request<{ run: RunView; joined: boolean }>('POST', '/api/execution/runs', {
      projectId: env.projectId,
      tradingDate: DAY,
      weights: HELD,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ joined: true, run: { id: env.weeklyRunId, kind: 'scheduled' } });
    expect(places(env.sim)).toHaveLength(bought.length + sells.length);
  }, 150_000);
});
