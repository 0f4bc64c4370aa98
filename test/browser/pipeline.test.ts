import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROJECT_NAME, seedDemo } from '../../src/demo/index.js';
import type { RunningApp } from '../../src/server/index.js';
import { launchBrowser, login, newPage, startTestServer, type TestServer } from './harness.js';

/** Server enum values and English words that must not reach a zh-CN page. */
const RAW_WORDS =
  /\b(CONNECTED|DISCONNECTED|ACTIVE|HALTED|SUCCEEDED|PENDING|RUNNING|FAILED|SKIPPED|WAITING|BUY|SELL|paper|live|true|false|ok|pending|checklist|decide|plan|risk|submit|monitor|report|failed|timed out|the)\b/;

const STEPS = ['checklist', 'decide', 'plan', 'risk', 'submit', 'monitor', 'report'] as const;

/** Stores a finished run as the runner would have left it (the UI only reads these rows). */
async function storeRun(
  app: RunningApp,
  projectId: number,
  day: string,
  status: 'SUCCEEDED' | 'FAILED' | 'MISSED',
  options: { report?: object; failedStep?: (typeof STEPS)[number]; stepError?: string } = {},
): Promise<number> {
  const db = app.ctx.store.db;
  const at = `${day}T15:00:00.000Z`;
  const row = await db
    .insertInto('pipeline_runs')
    .values({
      run_key: `${projectId}:${day}`,
      project_id: projectId,
      trading_date: day,
      dry_run: 0,
      trigger: 'schedule',
      status,
      not_before: at,
      window_end: `${day}T20:30:00.000Z`,
      created_at: at,
      created_by: 'scheduler',
      started_at: status === 'MISSED' ? null : at,
      finished_at: at,
      trade_run_id: null,
      fallback: null,
      error: status === 'MISSED' ? 'the window closed before the run could start' : null,
      report_json: options.report ? JSON.stringify(options.report) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const failedAt = options.failedStep ? STEPS.indexOf(options.failedStep) : STEPS.length;
  await db
    .insertInto('pipeline_steps')
    .values(
      STEPS.map((name, seq) => ({
        run_id: Number(row.id),
        name,
        seq,
        status: status === 'MISSED' || seq > failedAt ? 'SKIPPED' : seq === failedAt ? 'FAILED' : 'SUCCEEDED',
        attempts: status === 'MISSED' || seq > failedAt ? 0 : seq === failedAt ? 3 : 1,
        started_at: at,
        ended_at: at,
        evidence_json: null,
        error: seq === failedAt ? (options.stepError ?? null) : null,
        owner: 'test',
      })),
    )
    .execute();
  return Number(row.id);
}

function formItem(page: Page, testId: string) {
  return page.locator('.ant-form-item', { has: page.getByTestId(testId) });
}

/**
 * The weekly pipeline in the browser, against a real server with its built-in paper gateway and the
 * demo project: a dry run started from the project page (with its confirmation) shows every step on
 * the timeline and the checklist as ticks with their numbers, in zh-CN without English server text
 * or raw enum values; a bad pipeline setting in the project form lands on its field.
 */
describe('weekly pipeline UI', () => {
  let server: TestServer;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({
      label: 'pipeline-ui',
      trading: { enabled: true, builtInGateway: 'auto' },
    });
    app = server.app;
    await seedDemo(app.ctx, { seed: 1, years: 2, symbols: 8 });
    browser = await launchBrowser();
    page = await newPage(browser, app.url);
    await page.goto('/projects');
    await login(page, server.adminPassword);
    await page.getByTestId('project-list').getByText(DEMO_PROJECT_NAME).click();
    await page.getByTestId('project-detail').waitFor();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a dry run from the project page: confirmation, every step on the timeline, the checklist as ticks', async () => {
    await page.getByRole('tab', { name: '周度调仓' }).click();
    await page.getByTestId('pipeline-panel').waitFor();
    await page.getByTestId('pipeline-dry-run').click();
    // The confirmation first: nothing starts without it.
    await page.getByTestId('pipeline-dry-run-confirm').click();
    await page.getByTestId('pipeline-notice').waitFor();

    const risk = page.getByTestId('pipeline-step-risk');
    await expect
      .poll(() => risk.getAttribute('data-status'), { timeout: 300_000, interval: 1_000 })
      .toBe('SUCCEEDED');
    for (const step of ['checklist', 'decide', 'plan', 'risk'])
      expect(await page.getByTestId(`pipeline-step-${step}`).getAttribute('data-status')).toBe('SUCCEEDED');
    // A dry run stops at the risk check: no submit step.
    expect(await page.getByTestId('pipeline-step-submit').count()).toBe(0);
    expect(await page.getByTestId('pipeline-step-attempts-checklist').textContent()).toBe('尝试 1 次');

    const checks = page.locator('[data-testid=pipeline-checklist] li');
    expect(await checks.count()).toBe(9);
    // Required items pass; each tick carries its numbers.
    expect(await page.getByTestId('pipeline-check-ib.connected').getAttribute('data-ok')).toBe('true');
    await expect
      .poll(() => page.getByTestId('pipeline-check-ib.connected').textContent())
      .toContain('已连接');
    await expect
      .poll(() => page.getByTestId('pipeline-check-universe.conIds').textContent())
      .toContain('标的数 8');
    expect(await page.locator('[data-testid=pipeline-plan-orders] .ant-table-row').count()).toBeGreaterThan(
      0,
    );
    expect(await page.locator('[data-testid^=pipeline-run-status-]').first().textContent()).toContain(
      '试运行',
    );

    // zh-CN: no English server text and no raw enum values anywhere in the panel.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text keeps the words apart
    const text = (await page.getByTestId('pipeline-panel').innerText()).replace(
      /\d{4}\/\d+\/\d+.*?\d+:\d+:\d+/g,
      '',
    );
    expect(text).toContain('交易前检查');
    const words = text
      .split(/\s+/)
      .filter((w) => RAW_WORDS.test(w))
      .slice(0, 20);
    expect(words, text).toEqual([]);
  }, 420_000);

  it('finished runs: the report with its charts, a failed step and a missed run in the UI language', async () => {
    const project = (await app.ctx.projects.list()).find((p) => p.name === DEMO_PROJECT_NAME);
    const projectId = project?.id ?? 0;
    const symbol = (name: string, target: number, filled: number, bps: number) => ({
      symbol: name,
      targetShares: target,
      filledShares: filled,
      leftoverShares: target - filled,
      targetWeight: target / 1000,
      filledWeight: filled / 1000,
      avgFillPrice: 100,
      arrivalPrice: 100,
      decisionPrice: 99,
      slippageVsArrivalBps: bps,
      slippageVsDecisionBps: bps + 10,
      commission: 1,
    });
    const done = await storeRun(app, projectId, '2026-11-16', 'SUCCEEDED', {
      report: {
        orders: 2,
        filledOrders: 2,
        leftoverOrders: 0,
        commissions: 2,
        turnover: 0.2,
        slippageVsArrivalBps: 1.5,
        slippageVsDecisionBps: 11.5,
        symbols: [symbol('AAA', 100, 100, 1), symbol('BBB', 80, 80, 2)],
      },
    });
    const failure = {
      code: 'PRETRADE_BLOCKED',
      text: { code: 'PIPELINE_PRETRADE_BLOCKED', params: { rules: 'funds' } },
      message: 'pre-trade risk blocked the run: funds',
    };
    const failed = await storeRun(app, projectId, '2026-11-09', 'FAILED', {
      failedStep: 'risk',
      stepError: JSON.stringify(failure),
    });
    await storeRun(app, projectId, '2026-11-02', 'MISSED');

    const rows = page.locator('[data-testid=pipeline-runs] tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
    const failedRow = page.locator('[data-testid=pipeline-runs] tr.ant-table-row', { hasText: `#${failed}` });
    await expect.poll(() => failedRow.textContent()).toContain('交易前风控拦截了本次运行：资金');
    const missedRow = page.locator('[data-testid=pipeline-runs] tr.ant-table-row', { hasText: '2026-11-02' });
    expect(await missedRow.textContent()).toContain('已错过');
    expect(await missedRow.textContent()).not.toContain('window');

    const doneRow = page.locator('[data-testid=pipeline-runs] tr.ant-table-row', { hasText: `#${done}` });
    await doneRow.locator('.ant-table-row-expand-icon').click();
    await page.getByTestId('pipeline-report').waitFor();
    await page.locator('[data-testid=pipeline-report-weights] canvas').first().waitFor();
    await page.locator('[data-testid=pipeline-report-slippage] canvas').first().waitFor();
    expect(await page.getByTestId('pipeline-report').textContent()).toContain('20.00%');
    await failedRow.locator('.ant-table-row-expand-icon').click();
    await expect
      .poll(() => page.getByTestId('pipeline-step-error-risk').textContent())
      .toBe('交易前风控拦截了本次运行：资金');
  }, 120_000);

  it('a bad pipeline setting in the project form shows the field error, nothing saved', async () => {
    const version = await page.getByTestId('project-current-version').textContent();
    await page.getByTestId('project-edit').click();
    await page.getByTestId('project-pipeline-retries').fill('99');
    await page.getByTestId('project-save').click();
    const error = formItem(page, 'project-pipeline-retries').locator('.ant-form-item-explain-error');
    await expect.poll(() => error.count()).toBe(1);
    expect(
      await formItem(page, 'project-pipeline-backoffMs').locator('.ant-form-item-explain-error').count(),
    ).toBe(0);

    // A time-out of one step below the floor lands on that step's field.
    await page.getByTestId('project-pipeline-retries').fill('3');
    await page.getByTestId('project-pipeline-timeout-decide').fill('10');
    await page.getByTestId('project-save').click();
    const stepError = formItem(page, 'project-pipeline-timeout-decide').locator(
      '.ant-form-item-explain-error',
    );
    await expect.poll(() => stepError.count()).toBe(1);
    expect(await page.getByTestId('project-current-version').textContent()).toBe(version);

    // Good values save, and the project keeps them.
    await page.getByTestId('project-pipeline-timeout-decide').fill('60000');
    await page.getByTestId('project-save').click();
    await expect.poll(() => page.getByTestId('project-current-version').textContent()).not.toBe(version);
    const project = (await app.ctx.projects.list()).find((p) => p.name === DEMO_PROJECT_NAME);
    expect(project?.params.pipeline.retries).toBe(3);
    expect(project?.params.pipeline.stepTimeoutsMs).toEqual({ decide: 60_000 });
    await expect
      .poll(() => page.getByTestId('project-pipeline-params').textContent())
      .toContain('决策与冻结 60000');
  }, 120_000);
});
