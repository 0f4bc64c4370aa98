import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msg } from '../../src/contract/messages.js';
import { DecisionService } from '../../src/decision/index.js';
import { stepFailure } from '../../src/pipeline/errors.js';
import { CHECKLIST_DATA_FAILED, StepError } from '../../src/pipeline/index.js';
import type { RunningApp } from '../../src/server/index.js';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { OPEN_MS, startSim } from '../execution/sim-env.js';
import { pollUntil } from '../helpers/poll.js';
import { shockUntilHalted } from '../risk/defensive-env.js';
import { launchBrowser, startPaperTradingApp } from './harness.js';
import { settle, startLanguageScan } from './language-scan.js';

const PASSWORD = 'browser-language-snapshots-pw';
/** The trading day of OPEN_MS (New York) and the next one, which the fallback decides for. */
const DAY = '2026-11-24';
const NEXT_DAY = '2026-11-25';
const HELD = { AAPL: 0.35, MSFT: 0.3, JPM: 0.25 } as const;
/** The defensive move must pass the pre-trade rules like any run: the shock moves prices ~8% off the close. */
const RISK = { maxDailyLoss: 0.05, priceBand: 0.25, maxOrderValue: null, maxAdvShare: 1 };
/** Data, not UI text: names the test gives (they stay as typed in every language). */
const DATA_NAMES = ['snapshot scan', 'Snapshot scan theme'];

interface RunView {
  id: number;
  status: string;
  createdBy: string;
  snapshotId: number | null;
}

interface Seeded {
  app: RunningApp;
  dataRoot: string;
  /** The snapshot pages the scan opens, by what they show. */
  pages: Array<{ name: string; route: string; selectors: string[] }>;
  /** A weekly run the runner recorded as MISSED (IB not back before its window closed). */
  missedRunId: number;
  /** A weekly run whose submit step recorded that the halt stopped its sending. */
  stoppedRunId: number;
}

/**
 * A project with a defensive policy (sell to cash) that bought its names with a manual run; a
 * last-good fallback of that run's snapshot, frozen the way the pipeline does when the checklist
 * finds the market data stopped (DecisionService.freezeFallback with the step failure's reason and
 * catalogued text); then a -8% shock that halts the project, and the move to cash the risk monitor
 * freezes as a `defensive` snapshot and trades.
 */
async function seed(sim: SimGatewayHandle, simNow: number): Promise<Seeded> {
  const { app, api, dataRoot } = await startPaperTradingApp(sim, simNow, {
    password: PASSWORD,
    label: 'language-snapshots',
  });
  const theme = await api.request<{ theme: { id: number } }>('POST', '/api/themes', {
    name: 'Snapshot scan theme',
    members: [
      { symbol: 'AAPL', sector: 'Information Technology' },
      { symbol: 'MSFT', sector: 'Information Technology' },
      { symbol: 'JPM', sector: 'Financials' },
    ],
  });
  const project = await api.request<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'snapshot scan',
    params: {
      themeIds: [theme.body.theme.id],
      risk: { ...RISK, maxPositionWeight: 0.4, maxSectorWeight: 1, defensive: { action: 'cash' } },
    },
  });
  expect(project.status, project.text).toBe(201);
  const projectId = project.body.project.id;
  const run = await api.request<{ run: RunView }>('POST', '/api/execution/runs', {
    projectId,
    tradingDate: DAY,
    weights: HELD,
  });
  expect(run.status, run.text).toBe(201);
  const bought = await pollUntil(
    async () =>
      (await api.request<{ run: RunView }>('GET', `/api/execution/runs/${run.body.run.id}`)).body.run,
    (r) => r.status === 'COMPLETED',
    30_000,
  );

  // The checklist's failure on stopped data, as the live checklist throws it; the runner passes its
  // English message and catalogued text to the fallback port, which freezes with them.
  const failure = stepFailure(
    new StepError(CHECKLIST_DATA_FAILED, 'checklist failed: bars.complete, quotes.fresh', {
      text: msg('PIPELINE_CHECKLIST_FAILED', { items: 'bars.complete, quotes.fresh' }),
    }),
  );
  const decisions = new DecisionService({
    db: app.ctx.store.db,
    audit: app.ctx.audit,
    clock: app.ctx.clock,
    projects: app.ctx.projects,
    dataRoot: app.ctx.bootstrap.dataRoot,
  });
  const fallback = await decisions.freezeFallback({
    projectId,
    tradingDate: NEXT_DAY,
    sourceSnapshotId: bought.snapshotId ?? 0,
    reason: failure.message,
    reasonText: failure.text,
    actor: 'pipeline',
  });
  expect(fallback.kind).toBe('fallback');

  // The halt and the defensive move (the risk monitor's path).
  await shockUntilHalted(sim, api, projectId, Object.keys(HELD), 30_000);
  const defensive = await pollUntil(
    async () =>
      (await api.request<{ runs: RunView[] }>('GET', '/api/execution/runs')).body.runs.find(
        (r) => r.createdBy === 'risk-defensive',
      ),
    (r) => r?.status === 'COMPLETED' || r?.status === 'BLOCKED' || r?.status === 'FAILED',
    60_000,
  );
  expect(defensive?.snapshotId, JSON.stringify(defensive)).toBeGreaterThan(0);

  // Last Monday's weekly run, missed: the runner's own path when IB is not back before the window closes.
  const runner = app.trading.pipeline?.runner;
  if (!runner) throw new Error('no pipeline runner');
  const { run: weekly } = await runner.repo.createOrJoin({
    projectId,
    tradingDate: '2026-11-16',
    dryRun: false,
    trigger: 'schedule',
    actor: 'scheduler',
    notBefore: '2026-11-16T15:00:00.000Z',
    windowEnd: '2026-11-16T20:30:00.000Z',
  });
  await runner.missed(weekly, 'ib-not-back');

  // A weekly run whose submit step sent one order before the halt stopped the rest: the step's
  // evidence holds the execution's answer as the submit step records it.
  const { run: stopped } = await runner.repo.createOrJoin({
    projectId,
    tradingDate: '2026-11-17',
    dryRun: false,
    trigger: 'schedule',
    actor: 'scheduler',
    notBefore: '2026-11-17T15:00:00.000Z',
    windowEnd: '2026-11-17T20:30:00.000Z',
  });
  expect(await runner.repo.claimStep(stopped.id, 'submit', 'language-snapshots')).toBe(true);
  await runner.repo.endStep(stopped.id, 'submit', 'language-snapshots', {
    status: 'SUCCEEDED',
    evidence: {
      tradeRunId: defensive?.id ?? 0,
      orders: 3,
      sentNow: 1,
      stoppedBecause: { code: 'trading-halted' },
    },
  });
  await runner.repo.skipRemaining(stopped.id);
  await runner.repo.finishRun(stopped.id, 'FAILED');
  return {
    app,
    dataRoot,
    missedRunId: weekly.id,
    stoppedRunId: stopped.id,
    pages: [
      {
        name: 'fallback snapshot',
        route: `/live/snapshots/${fallback.id}`,
        // The reason only: the card also shows content hashes (hex, not words).
        selectors: ['[data-testid=snapshot-fallback-reason]'],
      },
      {
        name: 'defensive snapshot',
        route: `/live/snapshots/${defensive?.snapshotId}`,
        selectors: ['[data-testid=snapshot-defensive-reason]'],
      },
      {
        name: 'defensive run snapshot',
        route: `/live/runs/${defensive?.id}/snapshot`,
        selectors: ['[data-testid=snapshot-defensive-reason]'],
      },
    ],
  };
}

/**
 * Issue 17: the snapshot pages of a last-good fallback and of a halt's defensive move, which the
 * seeded walk does not reach, in zh-CN without English server text, raw enums or English words in
 * what the server wrote about why (the fallback's reason, the halt's cause); in English without Chinese.
 */
describe('web app: fallback and defensive snapshot pages in the UI language', () => {
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

  it('zh-CN shows no English server text, raw enum or English reason; English shows no Chinese', async () => {
    const scan = await startLanguageScan(browser, seeded.app.url, PASSWORD, DATA_NAMES);
    const { page } = scan;

    for (const { name, route, selectors } of seeded.pages) {
      await page.goto(route);
      await settle(page);
      for (const selector of selectors) {
        // The provenance card renders once the snapshot's query answered.
        await page.locator(selector).first().waitFor();
        await scan.readServerWords(`${name} ${selector}`, selector);
      }
      await scan.readZh(name);
    }

    // The project's weekly pipeline: the missed run says why in Chinese.
    await page.goto('/projects');
    await page.getByTestId('project-list').getByText('snapshot scan', { exact: true }).click();
    await page.getByRole('tab', { name: '周度调仓' }).click();
    const missed = page.getByTestId(`pipeline-missed-reason-${seeded.missedRunId}`);
    await expect.poll(() => missed.textContent(), { timeout: 20_000 }).toBe('交易窗口结束前 IB 未恢复连接');
    // The stopped run's submit step says why sending stopped.
    await page
      .locator('[data-testid=pipeline-runs] tr.ant-table-row', { hasText: `#${seeded.stoppedRunId}` })
      .locator('.ant-table-row-expand-icon')
      .click();
    await expect
      .poll(() => page.getByTestId('pipeline-step-submit').textContent(), { timeout: 20_000 })
      .toContain('停止发送原因 交易状态为暂停交易，其余订单一律不发送');
    await scan.readZh('pipeline panel');

    await scan.useEnglish();
    for (const { name, route, selectors } of seeded.pages) {
      await page.goto(route);
      await settle(page);
      await page
        .locator(selectors[0] ?? 'body')
        .first()
        .waitFor();
      await scan.readEn(name);
    }
    expect(scan.findings()).toEqual([]);
    await page.context().close();
  }, 300_000);
});
