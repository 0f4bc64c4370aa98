import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { pollUntil } from '../helpers/poll.js';
import { openSignedInPage, type SignedInPage, startPaperTradingApp, type TestServer } from './harness.js';

const PASSWORD = 'browser-account-test-pw';

/** A server trading on a paper gateway whose clock stands at an open market, with one run filled. */
async function startAccountServer(sim: SimGatewayHandle, simNow: number): Promise<TestServer> {
  const { api, ...server } = await startPaperTradingApp(sim, simNow, {
    password: PASSWORD,
    label: 'account',
  });
  const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
    name: '账户面板测试',
    members: [
      { symbol: 'AAPL', sector: '信息技术' },
      { symbol: 'MSFT', sector: '信息技术' },
      { symbol: 'JPM', sector: '金融' },
    ],
  });
  const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'account-panel',
    // Concentrated on purpose: the pre-trade caps (10% a name, 40% a sector) are widened for it.
    params: { themeIds: [theme.body.theme.id], risk: { maxPositionWeight: 0.5, maxSectorWeight: 1 } },
  });
  const run = await api.request<{ run: { id: number } }>('POST', '/api/execution/runs', {
    projectId: project.body.project.id,
    tradingDate: '2026-11-24',
    weights: { AAPL: 0.3, MSFT: 0.2, JPM: 0.1 },
  });
  expect(run.status).toBe(201);
  await pollUntil(
    async () =>
      (await api.request<{ run: { status: string } }>('GET', `/api/execution/runs/${run.body.run.id}`)).body
        .run,
    (r) => r.status === 'COMPLETED',
  );
  // The first reading after the fills is stored as a snapshot: the charts have a point to draw.
  await pollUntil(
    async () =>
      (await api.request<{ history: { equity: unknown[] } }>('GET', '/api/account/history?range=1W')).body
        .history.equity.length,
    (n) => n > 0,
  );
  return server;
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? '';
}

function digits(s: string): string {
  return s.replace(/[^\d-]/g, '');
}

async function expectChartsDrawn(page: Page): Promise<void> {
  for (const id of [
    'account-chart-equity',
    'account-chart-drawdown',
    'account-chart-exposure',
    'account-chart-dailyPnl',
  ]) {
    await page.getByTestId(id).locator('canvas').first().waitFor();
  }
}

describe('web app: the account panel and the orders monitor', () => {
  let sim: SimGatewayHandle;
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000 });
    sim = started.sim;
    session = await openSignedInPage(
      () => startAccountServer(sim, started.simClock.nowMs()),
      '/live',
      'account-panel',
    );
    page = session.page;
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  it('shows balances, positions with weights and sectors, and the charts in Chinese', async () => {
    const values = sim.gateway.broker.account.values(sim.clock.nowMs());
    await expect
      .poll(() => page.getByTestId('account-positions').locator('tbody tr.ant-table-row').count())
      .toBe(3);
    expect(digits(await text(page, 'account-figure-netLiquidation'))).toBe(
      digits(values.netLiquidation.toFixed(2)),
    );
    expect(digits(await text(page, 'account-figure-totalCash'))).toBe(digits(values.cash.toFixed(2)));
    expect(await text(page, 'account-source')).toBe('实时（来自 IB）');
    const jpm =
      (await page.getByTestId('account-positions').locator('tbody tr', { hasText: 'JPM' }).textContent()) ??
      '';
    expect(jpm).toContain('金融');
    expect(jpm).toContain('%');
    await expectChartsDrawn(page);

    await page.getByRole('tab', { name: '订单与成交监控' }).click();
    await expect
      .poll(() => page.getByTestId('orders-monitor-weights').locator('tbody tr.ant-table-row').count())
      .toBe(3);
    expect(await text(page, 'orders-monitor-today')).toContain('100.0%');
    expect(
      await page.getByTestId('orders-monitor-fills').locator('tbody tr', { hasText: '买入' }).count(),
    ).toBe(3);

    // No raw codes or English on the Chinese page (tickers, the currency, the masked account and
    // the broker's name are data, not words).
    const shown = `${await text(page, 'account-panel')} ${await text(page, 'orders-monitor')}`
      .replaceAll('account-panel', '')
      .replace(/AAPL|MSFT|JPM|USD|IB/g, '')
      .replace(/DU\*+\d+/g, '');
    expect(shown.match(/[A-Za-z]{2,}/g)).toBeNull();
  });

  it('shows the same panel in English, and the range switch redraws the charts', async () => {
    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await page.getByText('Net liquidation', { exact: true }).waitFor();
    expect(await text(page, 'account-source')).toBe('Live (from IB)');
    expect(await text(page, 'account-panel')).toContain('Positions');
    await page.getByTestId('account-range').getByText('All', { exact: true }).click();
    await expectChartsDrawn(page);
    await page.getByRole('tab', { name: 'Orders and fills monitor' }).click();
    await page.getByText('Target vs actual weights').waitFor();
    expect(
      await page.getByTestId('orders-monitor-fills').locator('tbody tr', { hasText: 'Buy' }).count(),
    ).toBe(3);
  });
});
