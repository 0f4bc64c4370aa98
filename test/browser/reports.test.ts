import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvMarket } from '../research-service/fixtures.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH'];
const SECTORS = ['Tech', 'Health', 'Energy', 'Finance'];
// About two and a half years of weekdays: enough weeks for the default walk-forward training.
const market = csvMarket({ seed: 11, symbols: SYMBOLS, days: 650 });
const extra = csvMarket({ seed: 12, symbols: ['III'], days: 300 });

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

describe('web app: data, running a backtest and reading its report', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    page = await newPage(browser, server.url);
    await page.goto('/data');
    await login(page, server.adminPassword);
    await page.getByTestId('coverage-table').waitFor();

    // Seed through the API: research data for eight symbols, a theme of them and a project on it.
    const imported = await apiCall<{ imported: unknown[]; failed: unknown[] }>(
      page,
      'POST',
      '/api/data/import',
      {
        files: SYMBOLS.map((symbol) => ({ name: `${symbol}.csv`, content: market[symbol] })),
      },
    );
    expect(imported.imported).toHaveLength(SYMBOLS.length);
    expect(imported.failed).toHaveLength(0);
    const theme = await apiCall<{ theme: { id: number } }>(page, 'POST', '/api/themes', {
      name: 'Report test eight',
      members: SYMBOLS.map((symbol, index) => ({
        symbol,
        name: `${symbol} Inc`,
        sector: SECTORS[index % SECTORS.length],
        industry: '',
      })),
    });
    await apiCall(page, 'POST', '/api/projects', {
      name: 'Report momentum',
      params: { themeIds: [theme.theme.id], model: { family: 'rule', seed: 1 }, portfolio: { topN: 3 } },
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows per-symbol coverage and reports a bad upload by file and line', async () => {
    await page.getByTestId('coverage-refresh').click();
    const rows = page.locator('[data-testid=coverage-table] .ant-table-row');
    await expect.poll(() => rows.count()).toBe(SYMBOLS.length);
    await expect.poll(() => rows.first().textContent()).toContain('AAA');
    await expect.poll(() => page.locator('[data-testid=coverage-chart] canvas').count()).toBeGreaterThan(0);

    // One good gzipped file of a new symbol and one with a bad number on line 4, through the page.
    const lines = (market.AAA ?? '').split('\n');
    lines[3] = (lines[3] ?? '').replace(/^([^,]+),[^,]+/, '$1,12.x');
    await page.locator('.ant-upload-drag input[type=file]').setInputFiles([
      { name: 'III.csv.gz', mimeType: 'application/gzip', buffer: gzipSync(extra.III ?? '') },
      { name: 'ZZZ.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) },
    ]);
    await page.getByTestId('import-start').click();
    const failed = page.getByTestId('import-failed');
    await expect.poll(() => failed.textContent()).toContain('ZZZ.csv');
    await expect.poll(() => failed.textContent()).toMatch(/第 4 行/);
    await expect.poll(() => page.getByTestId('import-imported').textContent()).toContain('III');
    // The good file is stored, nothing of the rejected one.
    await expect.poll(() => rows.count()).toBe(SYMBOLS.length + 1);
    const symbolsShown = await page
      .locator('[data-testid=coverage-table] .ant-table-row td:nth-child(2)')
      .allTextContents();
    expect(symbolsShown).toContain('III');
    expect(symbolsShown).not.toContain('ZZZ');
  });

  it('runs a backtest from the page, training the model first, with a progress bar', async () => {
    await page.goto('/backtests');
    await page.getByTestId('run-project').waitFor();
    await expect.poll(() => page.getByTestId('run-model-state').getAttribute('data-has-model')).toBe('false');
    await page.getByTestId('run-backtest').click();
    await page.getByTestId('backtest-job').waitFor();
    await page.getByTestId('run-done').waitFor({ timeout: 45_000 });
    expect(await page.getByTestId('backtest-job').getAttribute('data-status')).toBe('succeeded');
    // The finished run is listed with its project and parameter version.
    const listed = page.locator('[data-testid=backtest-table] .ant-table-row');
    await expect.poll(() => listed.count()).toBe(1);
    await expect.poll(() => listed.first().textContent()).toContain('Report momentum');
  }, 60_000);

  it('opens the report: stats cards, charts, holdings per rebalance', async () => {
    await page.getByTestId('run-open-report').click();
    await page.getByTestId('report-view').waitFor();
    const cards = page.locator('[data-testid=stat-cards] .stat-card');
    await expect.poll(() => cards.count()).toBe(8);
    const cagr = await page.getByTestId('stat-cagr').getAttribute('data-value');
    expect(cagr).toMatch(/^-?\d+\.\d{2}%$/);
    const sharpe = await page.getByTestId('stat-sharpe').getAttribute('data-value');
    expect(sharpe).toMatch(/^-?\d+\.\d{2}$/);
    // The cards show the same figures the API reports.
    const id = Number(await page.getByTestId('report-view').getAttribute('data-backtest'));
    const detail = await apiCall<{ report: { stats: { cagr: number }; rebalances: unknown[] } }>(
      page,
      'GET',
      `/api/backtests/${id}`,
    );
    expect(cagr).toBe(`${(detail.report.stats.cagr * 100).toFixed(2)}%`);

    for (const chart of ['chart-equity', 'chart-drawdown', 'chart-sectors', 'chart-monthly']) {
      await expect
        .poll(() => page.locator(`[data-testid=${chart}] canvas`).count(), { message: chart })
        .toBeGreaterThan(0);
    }
    expect(detail.report.rebalances.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-testid=rebalance-holdings] .ant-table-row').count())
      .toBeGreaterThan(0);
  });

  it('downloads a CSV export of the equity curve', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-equity').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^backtest-\d+-equity\.csv$/);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    const [header, ...body] = text.trim().split('\n');
    expect(header).toMatch(/equity/i);
    expect(body.length).toBeGreaterThan(100);
  });

  it('compares two backtests side by side with overlaid equity', async () => {
    const projects = await apiCall<{ projects: { id: number }[] }>(page, 'GET', '/api/projects');
    const projectId = projects.projects[0]?.id;
    const started = await apiCall<{ job: { id: number } }>(
      page,
      'POST',
      `/api/projects/${projectId}/backtests`,
      {
        slippageBps: 50,
      },
    );
    await expect
      .poll(
        async () =>
          (await apiCall<{ job: { status: string } }>(page, 'GET', `/api/jobs/${started.job.id}`)).job.status,
        {
          timeout: 30_000,
        },
      )
      .toBe('succeeded');

    await page.getByTestId('report-back').click();
    await page.getByTestId('backtests-refresh').click();
    const rows = page.locator('[data-testid=backtest-table] .ant-table-row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(0).locator('.ant-checkbox-input').check();
    await rows.nth(1).locator('.ant-checkbox-input').check();
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('compare-view').waitFor();
    const header = await page.locator('[data-testid=compare-table] thead').textContent();
    expect(header).toMatch(/#1 .*#2|#2 .*#1/);
    await expect.poll(() => page.locator('[data-testid=chart-compare] canvas').count()).toBeGreaterThan(0);
    // More slippage costs money: the two runs' total returns differ.
    const returns = await page
      .locator('[data-testid=compare-table] tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    expect(returns).toHaveLength(3);
    expect(returns[1]).not.toBe(returns[2]);
  }, 45_000);
});
