import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTradingDay, newYorkDay, nextTradingDay } from '../../src/calendar/index.js';
import { openSignedInPage, type SignedInPage, switchLanguage } from './harness.js';
import { startLiveTestServer } from './live-harness.js';

interface IbStatusBody {
  status: string;
  mode: string;
  account: string | null;
  serverVersion: number | null;
  reconnectCount: number;
  builtInGateway: boolean;
}

/** The IB status the server reports, or null when the IB runtime is not running (503). */
async function ibStatus(page: Page): Promise<IbStatusBody | null> {
  const answer = await page.request.get('/api/ib/status');
  if (answer.status() === 503) return null;
  expect(answer.status()).toBe(200);
  return (await answer.json()) as IbStatusBody;
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent()) ?? '';
}

/** Checks the status area against the server's answer, whichever state the server is in. */
async function expectStatusArea(page: Page, notRunning: string, notConnected: string): Promise<void> {
  const status = await ibStatus(page);
  if (status === null) {
    await page.getByTestId('live-ib-unavailable').waitFor();
    expect(await text(page, 'live-ib-unavailable')).toContain(notRunning);
    return;
  }
  await page.getByTestId('live-ib-status').waitFor();
  // The page follows `ib.status` events, so it may be one state ahead of the answer read above.
  const state = () => page.getByTestId('live-ib-state').getAttribute('data-state');
  await expect.poll(state).toMatch(/CONNECTED|CONNECTING|DISCONNECTED|DEGRADED/);
  // Shown in the UI language, never as the raw state.
  expect(await text(page, 'live-ib-state')).not.toBe(await state());
  const fresh = await ibStatus(page);
  expect(fresh).not.toBeNull();
  if (!fresh) return;
  await expect.poll(state).toBe(fresh.status);
  expect(await text(page, 'live-ib-server-version')).toBe(String(fresh.serverVersion ?? '—'));
  expect(await text(page, 'live-ib-account')).toContain(fresh.account ?? '');
  const reconnects = Number(await text(page, 'live-ib-reconnects'));
  expect(reconnects).toBeGreaterThanOrEqual(0);
  expect(await page.getByTestId('live-builtin-gateway').isVisible()).toBe(fresh.builtInGateway);
  if (fresh.status !== 'CONNECTED') expect(await text(page, 'live-ib-not-connected')).toContain(notConnected);
}

// Once without the trading side (the IB routes answer 503) and once against the built-in paper gateway.
describe.each([false, true])('web app: the Live Trading page (trading side running: %s)', (withTrading) => {
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openSignedInPage(() => startLiveTestServer(withTrading), '/live', 'live-tabs');
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows the IB status area in Chinese and says plainly when IB is not connected', async () => {
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    if (withTrading) expect(await ibStatus(page)).not.toBeNull();
    else expect(await ibStatus(page)).toBeNull();
    await expectStatusArea(page, '未连接：IB 运行时未启动', '未连接到 IB');
    // The menu badge agrees: nothing is tradable without a connection.
    const badge = await page.getByTestId('trading-badge').first().getAttribute('data-badge');
    if ((await ibStatus(page)) === null) expect(badge).not.toBe('tradable');

    // Quotes: without the runtime the tab says so instead of showing an empty table.
    if ((await ibStatus(page)) === null) {
      await page.getByTestId('live-quotes-unavailable').waitFor();
      expect(await text(page, 'live-quotes-unavailable')).toContain('IB 运行时未启动');
    } else {
      await page.getByTestId('live-quotes').waitFor();
    }
  });

  it('shows who executes and the runs table, empty on a fresh server', async () => {
    const lease = (await (await page.request.get('/api/execution/lease')).json()) as {
      lease: { holder: string; token: number } | null;
      thisReplica: unknown;
    };
    if (lease.lease === null) {
      expect(await text(page, 'live-no-lease')).toContain('没有实例持有执行权');
    } else {
      expect(await text(page, 'live-lease-holder')).toBe(lease.lease.holder);
      expect(await text(page, 'live-lease-token')).toBe(String(lease.lease.token));
    }
    if (lease.thisReplica === null) expect(await text(page, 'live-read-only')).toContain('只读');

    await page.getByRole('tab', { name: '调仓批次与订单' }).click();
    const runs = page.getByTestId('live-runs');
    await runs.waitFor();
    const body = (await (await page.request.get('/api/execution/runs')).json()) as { runs: unknown[] };
    if (body.runs.length === 0) expect(await runs.textContent()).toContain('还没有调仓批次');

    await page.getByRole('tab', { name: '对账' }).click();
    await page.getByTestId('live-reconciliations').waitFor();
    const reconcile = page.getByTestId('live-reconcile');
    // Only the replica that holds the lease may reconcile; a read-only one has the button off.
    expect(await reconcile.isDisabled()).toBe(lease.thisReplica === null);
  });

  it('resolves contracts from the UI and shows a run with orders and target vs filled (with the IB runtime)', async () => {
    if (!withTrading) {
      expect(await ibStatus(page)).toBeNull();
      return;
    }
    const session = (await (await page.request.get('/api/auth/session')).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': session.csrfToken };
    const members = ['AAPL', 'MSFT', 'NOSUCHSYM'].map((symbol) => ({
      symbol,
      name: symbol,
      sector: '',
      industry: '',
    }));
    const created = await page.request.post('/api/themes', {
      headers,
      data: { name: 'Live test', kind: 'system', description: '', members },
    });
    expect(created.status()).toBe(201);

    await page.reload();
    await page.getByRole('tab', { name: '合约解析' }).click();
    await page.getByTestId('live-contracts-universe').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Live test' })
      .click();
    await page.getByTestId('live-contracts-refresh').click();
    const contracts = page.getByTestId('live-contracts');
    // Picking the universe shows the cache's report at once ("not looked up yet"); wait for the
    // refreshed one, not merely for three rows.
    const unknownRow = contracts.locator('tbody tr', { hasText: 'NOSUCHSYM' });
    await expect.poll(() => unknownRow.textContent(), { timeout: 20_000 }).toContain('未解析');
    await expect
      .poll(() => contracts.locator('tbody tr', { hasText: 'AAPL' }).textContent())
      .toContain('已解析');
    expect(await contracts.locator('tbody tr').count()).toBe(3);

    // Runs name an existing project by id and a real NYSE trading day.
    const themeId = ((await created.json()) as { theme: { id: number } }).theme.id;
    const project = await page.request.post('/api/projects', {
      headers,
      // 20% a name: the pre-trade caps (10% a name, 40% a sector) are widened for it.
      data: {
        name: 'live-test',
        params: { themeIds: [themeId], risk: { maxPositionWeight: 0.5, maxSectorWeight: 1 } },
      },
    });
    expect(project.status()).toBe(201);
    const projectId = ((await project.json()) as { project: { id: number } }).project.id;
    const today = newYorkDay(Date.now());
    const tradingDate = isTradingDay(today) ? today : nextTradingDay(today);
    const run = await page.request.post('/api/execution/runs', {
      headers,
      data: { projectId, tradingDate, weights: { AAPL: 0.2, MSFT: 0.2 } },
    });
    expect(run.status()).toBe(201);
    const runId = ((await run.json()) as { run: { id: number } }).run.id;
    const detail = (await (await page.request.get(`/api/execution/runs/${runId}`)).json()) as {
      progress: Array<{ symbol: string; target: number }>;
      orders: unknown[];
    };

    await page.getByRole('tab', { name: '调仓批次与订单' }).click();
    await page.getByTestId('live-runs').locator('tbody tr', { hasText: 'live-test' }).click();
    const targets = page.getByTestId('live-target-table');
    await targets.waitFor();
    for (const row of detail.progress) {
      const text = (await targets.locator('tbody tr', { hasText: row.symbol }).textContent()) ?? '';
      expect(text).toContain(row.target.toLocaleString('en-US'));
    }
    await page.getByTestId('live-run-detail').getByRole('tab', { name: /订单/ }).click();
    await expect
      .poll(() => page.getByTestId('live-orders').locator('tbody tr.ant-table-row').count())
      .toBe(detail.orders.length);
  });

  it('shows the same status area in English', async () => {
    await page.getByRole('tab', { name: '实时行情' }).click();
    await switchLanguage(page, 'English');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expectStatusArea(page, 'Not connected: the IB runtime is not running', 'Not connected to IB');
    await page.getByRole('tab', { name: 'Runs and orders' }).waitFor();
    expect(await page.getByTestId('live-tabs').textContent()).toContain('Data completeness');
  });

  it('tests the IB connection after the trading configuration is saved, and shows the result', async () => {
    await page.goto('/settings');
    await page.getByTestId('settings-form').waitFor();
    await page.getByTestId('setting-IB_CLIENT_ID').fill('7');
    await page.getByTestId('settings-save').click();
    const result = page.getByTestId('connection-test');
    await result.waitFor();
    await expect.poll(() => result.getAttribute('data-result'), { timeout: 15_000 }).not.toBe('testing');
    const outcome = await result.getAttribute('data-result');
    expect(['ok', 'failed', 'mode-mismatch']).toContain(outcome);
    const shown = (await result.textContent()) ?? '';
    if (outcome === 'failed') expect(shown).toContain('IB connection test failed');
    if (outcome === 'ok') expect(shown).toContain('IB connection test passed');
  });
});
