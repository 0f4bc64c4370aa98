import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { pollUntil } from '../helpers/poll.js';
import { openSignedInPage, type SignedInPage, startPaperTradingApp, type TestServer } from './harness.js';

const PASSWORD = 'browser-risk-test-pw';
const HELD = ['AAPL', 'MSFT', 'JPM'];

/** A server trading on a paper gateway at an open market, 95% invested in three names. */
async function startRiskServer(sim: SimGatewayHandle, simNow: number): Promise<TestServer> {
  const { api, ...server } = await startPaperTradingApp(sim, simNow, {
    password: PASSWORD,
    label: 'risk',
  });
  const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
    name: '风控面板测试',
    members: HELD.map((symbol) => ({ symbol, sector: '信息技术' })),
  });
  // The project's own loss limit is wide: only the account's 5% halts, so resuming it clears the badge.
  const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
    name: '风控项目',
    params: {
      themeIds: [theme.body.theme.id],
      risk: { maxDailyLoss: 0.5, maxDrawdown: 0.5, maxPositionWeight: 0.5, maxSectorWeight: 1 },
    },
  });
  const run = await api.request<{ run: { id: number } }>('POST', '/api/execution/runs', {
    projectId: project.body.project.id,
    tradingDate: '2026-11-24',
    weights: { AAPL: 0.4, MSFT: 0.35, JPM: 0.2 },
  });
  expect(run.status).toBe(201);
  await pollUntil(
    async () =>
      (await api.request<{ run: { status: string } }>('GET', `/api/execution/runs/${run.body.run.id}`)).body
        .run,
    (r) => r.status === 'COMPLETED',
  );
  // A second project whose run breaks a fat-finger limit (two orders, one allowed): a pre-trade block.
  const strict = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
    name: '严格项目',
    params: {
      themeIds: [theme.body.theme.id],
      risk: {
        maxOrdersPerRun: 1,
        maxPositionWeight: 0.5,
        maxSectorWeight: 1,
        maxDailyLoss: 0.5,
        maxDrawdown: 0.5,
      },
    },
  });
  const blocked = await api.request<{ run: { status: string } }>('POST', '/api/execution/runs', {
    projectId: strict.body.project.id,
    tradingDate: '2026-11-24',
    weights: { AAPL: 0.3, MSFT: 0.35, JPM: 0.3 },
  });
  expect(blocked.body.run.status).toBe('BLOCKED');
  return server;
}

const badgeState = (page: Page) => page.getByTestId('risk-state-badge').getAttribute('data-state');

describe('web app: the trading-state badge and the risk panel', () => {
  let sim: SimGatewayHandle;
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000, pnlUpdateMs: 200 });
    sim = started.sim;
    session = await openSignedInPage(
      () => startRiskServer(sim, started.simClock.nowMs()),
      '/live/risk',
      'risk-page',
    );
    page = session.page;
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  it('shows each pre-trade limit as a bar of the last check and a block with readable evidence', async () => {
    const project = page.locator('[data-testid^="risk-scope-project:"]', { hasText: '风控项目' });
    await project.getByTestId('risk-limit-position').waitFor();
    // The run bought 40% of AAPL under a 50% cap: used, not broken.
    expect(await project.getByTestId('risk-limit-position').getAttribute('data-level')).not.toBe('trigger');
    expect(await project.getByTestId('risk-limit-position').textContent()).toMatch(
      /[34]\d\.\d\d% \/ 50\.00%/,
    );
    for (const bar of ['margin', 'gross', 'sector', 'order-value', 'adv', 'price-band', 'orders'])
      expect(await project.getByTestId(`risk-limit-${bar}`).count(), bar).toBe(1);
    const block = page.getByTestId('risk-events').locator('tbody tr', { hasText: '交易前检查拦截' }).first();
    await block.waitFor();
    const text = (await block.getByTestId('risk-finding').first().textContent()) ?? '';
    expect(text).toContain('订单');
    expect((await block.textContent()) ?? '').not.toContain('{');
  });

  it('shows the fallback target version of a project on the Live Trading page', async () => {
    await page.goto(`${new URL(page.url()).origin}/live?project=1`);
    const card = page.getByTestId('fallback-card');
    await card.waitFor();
    expect(await card.textContent()).toContain('回退目标版本');
    await expect
      .poll(() => card.getByTestId('fallback-policy').getAttribute('data-policy'))
      .toBe('stand-still');
    expect(await card.getByTestId('fallback-none').textContent()).toBe('尚未使用过回退。');
    await page.goto(`${new URL(page.url()).origin}/live/risk`);
    await page.getByTestId('risk-page').waitFor();
  });

  it('shows the halt live on every page with its evidence, and resuming asks for the typed RESUME', async () => {
    await expect.poll(() => badgeState(page)).toBe('ACTIVE');
    expect(await page.getByTestId('risk-state-badge').textContent()).toBe('正常交易');
    await page.getByTestId('risk-reading').waitFor();

    for (const symbol of HELD) await sim.faults.shock(symbol, -8);
    // Live over the event stream: no reload.
    await expect.poll(() => badgeState(page), { timeout: 10_000 }).toBe('HALTED');
    expect(await page.getByTestId('risk-state-badge').textContent()).toBe('已暂停交易');
    const account = page.getByTestId('risk-scope-account');
    await expect.poll(() => account.getAttribute('data-state')).toBe('HALTED');
    expect(await account.getByTestId('risk-bar-daily-loss').getAttribute('data-level')).toBe('trigger');
    const trigger = page.getByTestId('risk-events').locator('tbody tr', { hasText: '盘中触发' }).first();
    await trigger.waitFor();
    const evidence = (await trigger.textContent()) ?? '';
    expect(evidence).toContain('当日亏损');
    expect(evidence).toMatch(/限额 5\.00%/);
    expect(evidence).not.toContain('{');

    // Every page shows it.
    await page.getByTestId('nav-projects').click();
    await expect.poll(() => badgeState(page)).toBe('HALTED');
    await page.getByTestId('risk-state-badge').click();
    await page.getByTestId('risk-page').waitFor();

    await page.getByTestId('risk-scope-account').getByTestId('risk-resume').click();
    await page.getByTestId('risk-reason').fill('下跌已核实，恢复交易');
    const ok = page.getByTestId('risk-dialog-ok');
    expect(await ok.isDisabled()).toBe(true);
    await page.getByTestId('risk-confirm').fill('resume');
    expect(await ok.isDisabled()).toBe(true);
    await page.getByTestId('risk-confirm').fill('RESUME');
    await ok.click();
    await expect.poll(() => badgeState(page), { timeout: 10_000 }).toBe('ACTIVE');
    await expect
      .poll(() => page.getByTestId('risk-events').locator('tbody tr', { hasText: '交易状态变更' }).count())
      .toBeGreaterThanOrEqual(2);
  });
});
