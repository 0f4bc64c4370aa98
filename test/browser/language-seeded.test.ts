import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_NAME, DEMO_THEME_NAME, seedDemo } from '../../src/demo/index.js';
import type { RunningApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { pollUntil } from '../helpers/poll.js';
import { launchBrowser, startPaperTradingApp } from './harness.js';
import { appRoutes, type LanguageScan, settle, startLanguageScan } from './language-scan.js';

const PASSWORD = 'browser-language-seeded-pw';
const HELD = ['AAPL', 'MSFT', 'JPM'];
/** Data, not UI text: names the test and the demo give (they stay as typed in every language). */
const DATA_NAMES = [DEMO_PROJECT_NAME, DEMO_THEME_NAME, 'language scan', 'Language scan theme'];

/**
 * Texts the server fills from its own records (alerts, a halted scope's reason, risk evidence): on a
 * zh-CN page no Latin word may be left in them but tickers, codes in capitals and the names above.
 */
const SERVER_TEXTS: ReadonlyArray<{ route: string; selector: string; expect: string }> = [
  { route: '/live/risk', selector: '[data-testid=risk-scope-reason]', expect: '当日亏损' },
  { route: '/live/risk', selector: '[data-testid=risk-events] .ant-table-row', expect: '交易前检查' },
  { route: '/audit/alerts', selector: '[data-testid^=alert-text-]', expect: '交易前检查未通过' },
];

/**
 * Rows a page shows its details for once clicked (the first of each is opened, once per page):
 * the scan then reads the detail cards and their tabs as well.
 */
const OPENERS = [
  '[data-testid=project-row]',
  '[data-testid=theme-list] .ant-table-row',
  '[data-testid=live-runs] .ant-table-row',
  '[data-testid^=open-report-]',
  '[data-testid=pipeline-runs] .ant-table-row',
];

interface Seeded {
  app: RunningApp;
  dataRoot: string;
  runId: number;
}

/**
 * A server trading on a paper gateway at an open market, with what a user has after a while: the
 * demo (theme, project, model, backtest), a manual run filled on the gateway, a manual
 * reconciliation, a pipeline dry run, and a risk halt with its events and alert.
 */
async function seed(sim: SimGatewayHandle, simNow: number): Promise<Seeded> {
  const { app, api, dataRoot } = await startPaperTradingApp(sim, simNow, {
    password: PASSWORD,
    label: 'language',
  });
  await seedDemo(app.ctx, { seed: 1, years: 2 });

  // Sector names as the data source spells them (English): the English pass must not see Chinese data.
  const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
    name: 'Language scan theme',
    members: [
      { symbol: 'AAPL', sector: 'Information Technology' },
      { symbol: 'MSFT', sector: 'Information Technology' },
      { symbol: 'JPM', sector: 'Financials' },
    ],
  });
  const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'language scan',
    params: { themeIds: [theme.body.theme.id], risk: { maxPositionWeight: 0.5, maxSectorWeight: 1 } },
  });
  const run = await api.request<{ run: { id: number } }>('POST', '/api/execution/runs', {
    projectId: project.body.project.id,
    tradingDate: '2026-11-24',
    weights: { AAPL: 0.4, MSFT: 0.35, JPM: 0.2 },
  });
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  await pollUntil(
    async () =>
      (await api.request<{ run: { status: string } }>('GET', `/api/execution/runs/${run.body.run.id}`)).body
        .run,
    (r) => r.status === 'COMPLETED',
  );
  expect((await api.request('POST', '/api/execution/reconcile')).status).toBe(200);

  // A dry run of the weekly pipeline on the small project (the demo's 30 names would wait for IB's
  // historical-data pacing for minutes): whatever it ends with is shown.
  const dry = await api.request<{ run: { id: number } }>('POST', '/api/pipeline/run', {
    projectId: project.body.project.id,
    dryRun: true,
  });
  expect(dry.status, JSON.stringify(dry.body)).toBe(200);
  await pollUntil(
    async () =>
      (await api.request<{ run: { status: string } }>('GET', `/api/pipeline/runs/${dry.body.run.id}`)).body
        .run,
    (r) => !['WAITING', 'RUNNING'].includes(r.status),
    180_000,
  );

  // The halt: risk events, a trading-state change and an alert.
  for (const symbol of HELD) await sim.faults.shock(symbol, -8);
  await pollUntil(
    async () => (await api.request<{ state: string }>('GET', '/api/risk/state')).body,
    (s) => JSON.stringify(s).includes('HALTED'),
    30_000,
  );
  // A run while halted (the next day: the day's run exists): the pre-trade checks block it, with
  // risk events and a pre-trade alert.
  const blocked = await api.request<{ run: { status: string } }>('POST', '/api/execution/runs', {
    projectId: project.body.project.id,
    tradingDate: '2026-11-25',
    weights: { AAPL: 0.2, MSFT: 0.2, JPM: 0.2 },
  });
  expect(blocked.body.run.status, JSON.stringify(blocked.body)).toBe('BLOCKED');
  return { app, dataRoot, runId: run.body.run.id };
}

/** Reads the page, then opens each row in OPENERS once and reads again. */
async function readWithOpeners(page: Page, opened: Set<string>, read: () => Promise<void>): Promise<void> {
  await read();
  for (const selector of OPENERS) {
    if (opened.has(selector)) continue;
    const first = page.locator(selector).first();
    if ((await first.count()) === 0 || !(await first.isVisible())) continue;
    opened.add(selector);
    await first.click();
    await read();
  }
  // Expanded rows show order events and reconciliation details.
  const expanders = page.locator('.ant-table-row-expand-icon-collapsed:visible');
  const count = Math.min(await expanders.count(), 2);
  if (count > 0) {
    for (let i = 0; i < count; i++) await expanders.first().click();
    await read();
  }
}

/**
 * Every route, every tab (tabs that appear inside tabs too), every detail the openers reach. A page
 * that does not render or settle is a finding, and the walk goes on to the next route.
 */
async function walk(
  scan: LanguageScan,
  routes: string[],
  read: (where: string) => Promise<void>,
): Promise<void> {
  for (const route of routes) {
    try {
      await walkRoute(scan.page, route, read);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      scan.add(`${route}: the walk stopped at ${scan.page.url()}: ${reason}`);
    }
  }
}

async function walkRoute(page: Page, route: string, read: (where: string) => Promise<void>): Promise<void> {
  await page.goto(route);
  const opened = new Set<string>();
  await readWithOpeners(page, opened, () => read(route));
  const seen = new Set<string>();
  for (let round = 0; round < 60; round++) {
    const tabs = page.locator('.ant-tabs-tab:visible');
    let next: { index: number; name: string } | null = null;
    const count = await tabs.count();
    for (let index = 0; index < count && next === null; index++) {
      const tab = tabs.nth(index);
      // Counts in labels ("订单（3）") change; the key does not.
      const name = `${(await tab.getAttribute('data-node-key')) ?? ''}|${((await tab.textContent()) ?? '').replace(/\d+/g, '')}`;
      if (!seen.has(name) && (await tab.locator('[aria-disabled=true]').count()) === 0)
        next = { index, name };
    }
    if (next === null) break;
    seen.add(next.name);
    await tabs.nth(next.index).click();
    await settle(page);
    await readWithOpeners(page, opened, () => read(`${route} [${next.name}]`));
  }
}

describe('web app: every seeded page and tab in the UI language', () => {
  let sim: SimGatewayHandle;
  let seeded: Seeded;
  let browser: Browser;

  beforeAll(async () => {
    const started = await startSim({ startMs: OPEN_MS, initialCash: 1_000_000, pnlUpdateMs: 200 });
    sim = started.sim;
    [seeded, browser] = await Promise.all([seed(sim, started.simClock.nowMs()), launchBrowser()]);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await seeded?.app.close();
    if (seeded) rmSync(seeded.dataRoot, { recursive: true, force: true });
    await sim?.close();
  });

  it('zh-CN shows no English server text and no raw enum; English shows no Chinese', async () => {
    const routes = appRoutes({ runId: seeded.runId });
    const scan = await startLanguageScan(browser, seeded.app.url, PASSWORD, DATA_NAMES);
    const { page } = scan;

    let reads = 0;
    await walk(scan, routes, async (where) => {
      reads += 1;
      await scan.readZh(where);
    });
    // The walk reached the seeded content: the run's orders (translated sides) and the demo project.
    expect(reads).toBeGreaterThan(routes.length);

    // What the server wrote about the halt and the block: reasons, evidence and alerts in Chinese.
    for (const { route, selector, expect: shows } of SERVER_TEXTS) {
      await page.goto(route);
      await settle(page);
      // Tables fill after their query answers, which may be after the page settled: wait for the text.
      await expect
        .poll(async () => (await page.locator(selector).allInnerTexts()).join('\n'), {
          message: `${route} ${selector}`,
          timeout: 20_000,
        })
        .toContain(shows);
      await scan.readServerWords(`${route} ${selector}`, selector);
    }

    await scan.useEnglish();
    await walk(scan, routes, (where) => scan.readEn(where));
    // No finding is excused: the snapshot's parameters, the audit records, the demo's descriptions and
    // the alerts (fallback reasons included) are all rendered in the UI language.
    expect(scan.findings()).toEqual([]);
    await page.context().close();
  }, 900_000);
});
