import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { AccountHistory, AccountView, OrdersMonitor } from '../../src/monitoring/index.js';
import { startApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';
import { pollUntil } from '../helpers/poll.js';

const ACCOUNT = 'DU1234567';

/** The CLI in a child process, without blocking this process: the gateway it talks to runs here. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeEntry('cli/main'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The gateway reports money to the cent. */
function expectCents(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(0.005 + 1e-6);
}
const DATE = '2026-11-24';

/** The gateway's own account report: the truth the panel, the API and the CLI must agree with. */
function gatewayTruth(sim: SimGatewayHandle) {
  const account = sim.gateway.broker.account;
  const now = sim.clock.nowMs();
  const values = account.values(now);
  const positions = [...account.positions.values()]
    .filter((p) => p.quantity !== 0)
    .map((p) => ({
      symbol: p.instrument.symbol,
      quantity: p.quantity,
      marketPrice: account.markPrice(p.instrument, now, p.averageCost),
    }))
    .sort((a, b) => a.symbol.localeCompare(b.symbol));
  return { values, positions };
}

function expectAgrees(view: AccountView, sim: SimGatewayHandle): void {
  const truth = gatewayTruth(sim);
  expect(view.account).toBe('DU****67');
  expectCents(view.figures.netLiquidation, truth.values.netLiquidation);
  expectCents(view.figures.totalCash, truth.values.cash);
  expectCents(view.figures.grossPositionValue, truth.values.grossPositionValue);
  expectCents(view.figures.buyingPower, truth.values.buyingPower);
  expectCents(view.figures.availableFunds, truth.values.availableFunds);
  expectCents(view.figures.excessLiquidity, truth.values.excessLiquidity);
  expectCents(view.figures.initMargin, truth.values.initMarginReq);
  expectCents(view.figures.maintMargin, truth.values.maintMarginReq);
  expectCents(view.figures.dailyPnl, truth.values.dailyPnl);
  expect(view.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity }))).toEqual(
    truth.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity })),
  );
  for (const p of view.positions) {
    const mark = truth.positions.find((t) => t.symbol === p.symbol)?.marketPrice ?? Number.NaN;
    expect(p.marketPrice).toBeCloseTo(mark, 3);
    expect(p.marketValue).toBeCloseTo(p.quantity * mark, 1);
    expect(p.weight).toBeCloseTo((p.quantity * mark) / truth.values.netLiquidation, 6);
  }
}

describe.each(ENGINES)('account monitor against the paper gateway over TCP, %s', (engine) => {
  let sim: SimGatewayHandle;
  let t: TestApp;
  let api: ApiClient;
  let runId: number;

  beforeAll(async () => {
    const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000 });
    sim = started.sim;
    // The server's clock follows the gateway's, so its quotes are fresh and "today" is the sim's day.
    const clock = new ManualClock(started.simClock.nowMs());
    started.simClock.onChange((now) => clock.set(now));
    t = await startTestApp(engine, {
      clock,
      trading: { enabled: true, builtInGateway: 'off' },
      env: { IB_HOST: '127.0.0.1', IB_PORT: String(sim.port), IB_ACCOUNT: ACCOUNT, IB_MODE: 'paper' },
    });
    api = new ApiClient(t.app.url);
    await api.login('admin', TEST_ADMIN_PASSWORD);
    await pollUntil(
      async () => (await api.request<{ tradable: boolean }>('GET', '/api/ib/status')).body,
      (s) => s.tradable,
    );
    const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
      name: 'Monitor test',
      members: [
        { symbol: 'AAPL', sector: 'Information Technology' },
        { symbol: 'MSFT', sector: 'Information Technology' },
        { symbol: 'JPM', sector: 'Financials' },
      ],
    });
    expect(theme.status).toBe(201);
    const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'monitor-test',
      // Concentrated on purpose: the pre-trade caps (10% a name, 40% a sector) are widened for it.
      params: { themeIds: [theme.body.theme.id], risk: { maxPositionWeight: 0.5, maxSectorWeight: 1 } },
    });
    expect(project.status).toBe(201);
    const run = await pollUntil(
      () =>
        api.request<{ run: { id: number } }>('POST', '/api/execution/runs', {
          projectId: project.body.project.id,
          tradingDate: DATE,
          weights: { AAPL: 0.3, MSFT: 0.2, JPM: 0.1 },
        }),
      (r) => r.status === 201 || r.status === 200,
    );
    runId = run.body.run.id;
    await pollUntil(
      async () =>
        (await api.request<{ run: { status: string } }>('GET', `/api/execution/runs/${runId}`)).body.run,
      (r) => r.status === 'COMPLETED',
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it("serves the account live, equal to the gateway's own report after the run's fills", async () => {
    // The monitor reads again shortly after each fill; wait for a reading with all three positions.
    const view = await pollUntil(
      async () => (await api.request<{ account: AccountView }>('GET', '/api/account')).body.account,
      (v) => v?.source === 'live' && v.positions.length === 3,
    );
    expectAgrees(view, sim);
    expect(Object.fromEntries(view.positions.map((p) => [p.symbol, p.sector]))).toEqual({
      AAPL: 'Information Technology',
      JPM: 'Financials',
      MSFT: 'Information Technology',
    });
    expect(JSON.stringify(view)).not.toContain(ACCOUNT);
  });

  it('persists snapshots: equity curve, drawdown, sector exposure and daily PnL over a range', async () => {
    const history = await pollUntil(
      async () =>
        (await api.request<{ history: AccountHistory }>('GET', '/api/account/history?range=1W')).body.history,
      (h) => h.equity.length > 0 && h.exposure.some((e) => Object.keys(e.weights).length === 2),
    );
    const last = history.equity.at(-1);
    expect(last?.netLiquidation).toBeGreaterThan(0);
    expect(history.sectors).toEqual(['Financials', 'Information Technology']);
    expect(history.maxDrawdown).toBeLessThanOrEqual(0);
    expect(history.dailyPnl.map((d) => d.day)).toContain(DATE);
    const bad = await api.request<{ error: { fields: Array<{ field: string }> } }>(
      'GET',
      '/api/account/history?range=2Y',
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('range');
  });

  it('a replica without the IB connection serves the latest persisted snapshot', async () => {
    const replica = await startApp({
      env: {
        IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        LOG_LEVEL: 'silent',
        ...(t.target.databaseUrl ? { DATABASE_URL: t.target.databaseUrl } : {}),
      },
      dataRoot: t.target.dataRoot,
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const client = new ApiClient(replica.url);
      await client.login('admin', TEST_ADMIN_PASSWORD);
      const view = (await client.request<{ account: AccountView }>('GET', '/api/account')).body.account;
      expect(view.source).toBe('snapshot');
      // The gateway's clock stands still in this test: the snapshot still equals its report.
      expectAgrees(view, sim);
    } finally {
      await replica.close();
    }
  });

  it('summarises orders and fills: counts, fill rate, slippage against arrival, commissions, weights', async () => {
    const res = await api.request<{ monitor: OrdersMonitor }>('GET', '/api/account/orders');
    expect(res.status).toBe(200);
    const m = res.body.monitor;
    expect(m.today.orders).toBe(3);
    expect(m.week.orders).toBe(3);
    expect(m.today.filled).toBe(3);
    expect(m.today.fillRate).toBe(1);
    expect(m.today.fills).toBeGreaterThanOrEqual(3);
    expect(m.today.fillsWithoutArrival).toBe(0);
    expect(m.today.slippageBps).not.toBeNull();
    expect(m.today.commissions).toBeGreaterThan(0);
    for (const fill of m.fills) {
      expect(fill.arrivalPrice).toBeGreaterThan(0);
      const expected =
        ((fill.side === 'BUY' ? 1 : -1) * (fill.price - (fill.arrivalPrice ?? 0)) * 1e4) /
        (fill.arrivalPrice ?? 1);
      expect(fill.slippageBps).toBeCloseTo(expected, 6);
    }
    expect(m.weights.run?.id).toBe(runId);
    expect(m.weights.rows.map((r) => r.symbol)).toEqual(['AAPL', 'JPM', 'MSFT']);
    const aapl = m.weights.rows.find((r) => r.symbol === 'AAPL');
    expect(aapl?.targetWeight).toBe(0.3);
    // Whole shares and a moving price leave the actual weight near, not at, the target.
    expect(Math.abs((aapl?.actualWeight ?? 0) - 0.3)).toBeLessThan(0.01);
    const strict = await api.request<{ monitor: OrdersMonitor }>('GET', '/api/account/orders?tolerance=0');
    expect(strict.body.monitor.weights.rows.every((r) => r.flagged === (r.deviation !== 0))).toBe(true);
    const bad = await api.request('GET', '/api/account/orders?tolerance=5');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('tolerance');
  });

  it('`ibloop account` reads the same account from IB with its own client id, and the stored snapshot', async () => {
    const env = {
      DATA_ROOT: t.target.dataRoot,
      ...(t.target.databaseUrl ? { DATABASE_URL: t.target.databaseUrl } : {}),
      IB_ACCOUNT: ACCOUNT,
    };
    const live = await runCli(['account', '--json', '--host', '127.0.0.1', '--port', String(sim.port)], env);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const view = (JSON.parse(live.stdout) as { account: AccountView }).account;
    expect(view.source).toBe('live');
    expectAgrees(view, sim);
    expect(live.stdout).not.toContain(ACCOUNT);

    const stored = await runCli(['account', '--stored'], env);
    expect(stored.code).toBe(0);
    expect(stored.stdout).toContain('stored snapshot');
    expect(stored.stdout).toMatch(/net liquidation\s+[\d,]+\.\d\d/);
    expect(stored.stdout).toMatch(/^AAPL\s/m);
    expect(stored.stdout).not.toContain(ACCOUNT);

    const bad = await runCli(['account', '--port', 'x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port');
    // Three CLI processes that each load the whole program: slow on a busy machine.
  }, 180_000);
});
