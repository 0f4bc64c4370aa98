import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvMarket } from '../research-service/fixtures.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF'];
const market = csvMarket({ seed: 13, symbols: SYMBOLS, days: 500 });

/** JSON API calls from inside the signed-in page's context (its cookie, plus the CSRF header). */
async function apiCall<T>(page: Page, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const session = await page.request.get('/api/auth/session');
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  const response = await page.request.fetch(url, {
    method,
    headers: { 'x-csrf-token': csrfToken },
    ...(body === undefined ? {} : { data: body }),
  });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${text}`);
  return JSON.parse(text) as T;
}

describe('web app: a parameter sweep from the reports page', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    page = await newPage(browser, server.url);
    await page.goto('/backtests');
    await login(page, server.adminPassword);
    await page.getByTestId('sweeps-card').waitFor();
    await apiCall(page, 'POST', '/api/data/import', {
      files: SYMBOLS.map((symbol) => ({ name: `${symbol}.csv`, content: market[symbol] })),
    });
    const theme = await apiCall<{ theme: { id: number } }>(page, 'POST', '/api/themes', {
      name: 'Sweep six',
      members: SYMBOLS.map((symbol, i) => ({ symbol, name: symbol, sector: i % 2 ? 'Tech' : 'Energy' })),
    });
    await apiCall(page, 'POST', '/api/projects', {
      name: 'Sweep project',
      params: { themeIds: [theme.theme.id] },
    });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('states the caveat, runs the grid, sorts by a statistic, draws the heatmap, reruns a point', async () => {
    await page.goto('/backtests');
    await page.getByTestId('sweeps-card').waitFor();
    // The multiple-testing caveat in the default language (zh-CN).
    await expect.poll(() => page.getByTestId('sweeps-caveat').textContent()).toContain('多重检验');

    await page.getByTestId('sweep-project').click();
    await page.locator('.ant-select-item-option', { hasText: 'Sweep project' }).click();
    await page.getByTestId('sweep-signals').fill('ret(60, 5)\nret(20) / vol(20)');
    await page.getByTestId('sweep-topn').fill('1, 2, 3');
    await page.getByTestId('sweep-run').click();
    await page.getByTestId('sweep-results').waitFor({ timeout: 60_000 });

    const rows = page.locator('[data-testid=sweep-table] .ant-table-row');
    await expect.poll(() => rows.count()).toBe(6);
    await expect.poll(() => page.locator('[data-testid=sweep-heatmap] canvas').count()).toBeGreaterThan(0);

    // Sorted by Sharpe, best first, by default; a click on CAGR sorts by it.
    const sweepId = Number(
      (await page.getByTestId('sweep-job').textContent())?.match(/#(\d+)/)?.[1] ?? Number.NaN,
    );
    const sweep = await apiCall<{
      rows: Array<{ pointHash: string; stats: { sharpe: number; cagr: number } }>;
    }>(page, 'GET', `/api/sweeps/${sweepId}`);
    const bySharpe = [...sweep.rows].sort((a, b) => b.stats.sharpe - a.stats.sharpe);
    await expect.poll(() => rows.first().getAttribute('data-row-key')).toBe(bySharpe[0]!.pointHash);
    await page.locator('[data-testid=sweep-table] th', { hasText: '年化收益' }).click();
    const byCagr = [...sweep.rows].sort((a, b) => a.stats.cagr - b.stats.cagr);
    await expect.poll(() => rows.first().getAttribute('data-row-key')).toBe(byCagr[0]!.pointHash);

    // Rerun the first row from its hash: the same result hash.
    await rows.first().locator('button', { hasText: '重跑' }).click();
    await rows.first().getByTestId('sweep-reproduced').waitFor({ timeout: 30_000 });
  }, 120_000);
});
