/**
 * The decision-snapshot UI in real Chromium against a real server: a model snapshot decided on IB
 * bars by DecisionService on the server's own context, a completed run that traded it, and a
 * manual snapshot whose row the test edits.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { CUT_REASONS, DROP_REASONS, SNAPSHOT_KINDS, SNAPSHOT_SOURCES } from '../../src/contract/decisions.js';
import { ENUMS, MESSAGES } from '../../src/contract/messages.js';
import { DecisionService } from '../../src/decision/index.js';
import { ExecutionRepository } from '../../src/execution/index.js';
import { IbBarStore } from '../../src/marketdata/index.js';
import { AlphaBarStore, makeAlphaBars } from '../../src/sources/alpha/index.js';
import { saveModel, symbolsOf, TRADING_DATE, writeIbBars } from '../decision/data.js';
import { launchBrowser, login, newPage, startTestServer, switchLanguage } from './harness.js';

const SECTORS = ['Information Technology', 'Energy', 'Health Care'];

/** Catalogue sentences in English and raw enum values: in zh-CN, only a missing translation shows them. */
const ENGLISH_SERVER_TEXT = Object.values(MESSAGES)
  .map((def) => def.en)
  .filter((en) => /[a-z]{3}/i.test(en.replace(/\{\{\w+\}\}/g, '')))
  .map((en) => {
    const escaped = en.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '.+?');
    return new RegExp(`(^|[^A-Za-z])${escaped}`, 'm');
  });
const RAW_ENUMS = [...new Set(Object.values(ENUMS).flat())].filter(
  (value) => value.length >= 5 && /[A-Z]/.test(value),
);
const HAN = /\p{Script=Han}/u;

interface Seeded {
  url: string;
  adminPassword: string;
  modelSnapshotId: number;
  manualSnapshotId: number;
  runId: number;
  close(): Promise<void>;
}

/** A server (no trading side) and its data: IB bars, the rule model, a frozen decision, a run, a tampered manual snapshot. */
async function seededServer(): Promise<Seeded> {
  const server = await startTestServer({ label: 'decisions' });
  const { dataRoot } = server;
  const ctx: AppContext = server.app.ctx;
  const symbols = symbolsOf(12);
  // The last symbol has no bars: the snapshot lists it as dropped.
  writeIbBars(dataRoot, symbols.slice(0, 11));
  await writeAlphaBars(dataRoot, ctx, symbols);
  const theme = await ctx.themes.create(
    {
      name: 'decisions',
      kind: 'system',
      description: '',
      members: symbols.map((symbol, i) => ({ symbol, name: '', industry: '', sector: SECTORS[i % 3]! })),
    },
    'test',
  );
  const project = await ctx.projects.create(
    {
      name: 'snapshots-ui',
      params: {
        themeIds: [theme.id],
        portfolio: { topN: 5, maxWeight: 0.3, cashBuffer: 0.02 },
        risk: { maxPositionWeight: 0.15, maxSectorWeight: 0.4, maxGrossExposure: 1, maxDailyLoss: 0.05 },
        decision: { missingBars: 'drop', maxStaleDays: 0 },
      },
    },
    'test',
  );
  const model = await saveModel(dataRoot);
  await ctx.store.db
    .insertInto('models')
    .values({
      version: model.version,
      family: model.family,
      project_id: project.id,
      project_version: project.currentVersion,
      data_digest: model.dataDigest,
      metrics_json: '{}',
      symbols_count: 0,
      first_decision: model.firstDecision,
      last_decision: model.lastDecision,
      path: '',
      created_at: '2026-01-01T00:00:00.000Z',
    })
    .execute();
  const decisions = new DecisionService({
    db: ctx.store.db,
    audit: ctx.audit,
    clock: ctx.clock,
    projects: ctx.projects,
    dataRoot,
  });
  const { snapshot } = await decisions.decideAndFreeze({
    projectId: project.id,
    tradingDate: TRADING_DATE,
    actor: 'test',
  });
  const repo = new ExecutionRepository(ctx.store.db, ctx.store.engine, ctx.audit, ctx.clock);
  const { run } = await repo.createOrJoinRun({
    projectId: project.id,
    tradingDate: TRADING_DATE,
    mode: 'paper',
    weights: snapshot.content.weightsAfter,
    actor: 'test',
    snapshot: { id: snapshot.id, hash: snapshot.contentHash },
  });
  await repo.setRunStatus(run.id, 'COMPLETED');

  const manual = await decisions.freezeManual({
    projectId: project.id,
    tradingDate: '2026-11-30',
    weights: { S000: 0.5 },
    fileHash: 'f'.repeat(64),
    actor: 'alice',
  });
  // An edit behind the application's back: the view must not call it verified.
  const edited = { ...manual.snapshot.content, weightsAfter: { S000: 0.9 } };
  await ctx.store.db
    .updateTable('decision_snapshots')
    .set({ content_json: JSON.stringify(edited) })
    .where('id', '=', manual.snapshot.id)
    .execute();

  return {
    url: server.url,
    adminPassword: server.adminPassword,
    modelSnapshotId: snapshot.id,
    manualSnapshotId: manual.snapshot.id,
    runId: run.id,
    close: server.close,
  };
}

/**
 * The research store's Alpha bars of the same symbols: the IB closes, except the last adjusted close of
 * the symbol `DIFFERENT` (1% higher), so the comparison has one price gap to show. The symbol without
 * IB bars gets the first one's.
 */
const DIFFERENT = 'S003';
async function writeAlphaBars(dataRoot: string, ctx: AppContext, symbols: readonly string[]): Promise<void> {
  const ib = new IbBarStore(dataRoot);
  const alpha = new AlphaBarStore(dataRoot, ctx.clock);
  for (const symbol of symbols) {
    let bars = ib.read(symbol, '1 day', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    if (bars.length === 0)
      bars = ib.read(symbols[0]!, '1 day', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const adjustedClose = Float64Array.from(bars.close);
    if (symbol === DIFFERENT) adjustedClose[adjustedClose.length - 1]! *= 1.01;
    await alpha.put(
      makeAlphaBars(symbol, {
        days: Int32Array.from(bars.timeMs, (ms) => Math.round(ms / 86_400_000)),
        open: Float64Array.from(bars.open),
        high: Float64Array.from(bars.high),
        low: Float64Array.from(bars.low),
        close: Float64Array.from(bars.close),
        adjustedClose,
        volume: Float64Array.from(bars.volume),
        dividend: new Float64Array(bars.length),
        splitCoefficient: new Float64Array(bars.length).fill(1),
      }),
      'fixture',
    );
  }
  await alpha.flush();
}

/** The visible text once loading indicators are gone. */
async function settledText(page: Page): Promise<string> {
  await expect
    .poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count(), { timeout: 15_000 })
    .toBe(0);
  // The language switch names both languages on purpose: left out.
  // biome-ignore lint/performance/useDomNodeTextContent: only the visible text counts
  const text = await page.locator('body').innerText();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '简体中文' && line.trim() !== 'English')
    .join('\n');
}

function zhFindings(text: string): string[] {
  const findings: string[] = [];
  for (const pattern of ENGLISH_SERVER_TEXT)
    if (pattern.test(text)) findings.push(`English server text ${pattern.source}`);
  for (const value of RAW_ENUMS)
    if (new RegExp(`(^|[^\\w-])${value}([^\\w-]|$)`).test(text)) findings.push(`raw enum ${value}`);
  return findings;
}

describe('decision snapshot UI', () => {
  let seeded: Seeded;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [seeded, browser] = await Promise.all([seededServer(), launchBrowser()]);
    page = await newPage(browser, seeded.url);
    await page.goto('/live/snapshots');
    await login(page, seeded.adminPassword);
    await page.getByTestId('snapshot-list-project').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await seeded?.close();
  });

  it('the UI enum lists are the contract lists', () => {
    expect(ENUMS.snapshotKind).toEqual(SNAPSHOT_KINDS);
    expect(ENUMS.snapshotSource).toEqual(SNAPSHOT_SOURCES);
    expect(ENUMS.cutReason).toEqual(CUT_REASONS);
    expect(ENUMS.dropReason).toEqual(DROP_REASONS);
  });

  it('zh-CN: the snapshot view verifies, draws the sector chart, sorts scores, and shows no English server text or raw enums', async () => {
    await page.goto(`/live/snapshots/${seeded.modelSnapshotId}`);
    const view = page.getByTestId('snapshot-view');
    await view.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await expect.poll(() => page.getByTestId('snapshot-verified').getAttribute('data-verified')).toBe('true');
    expect(await page.getByTestId('snapshot-kind').textContent()).toBe('模型决策');
    expect(await page.getByTestId('snapshot-source').textContent()).toBe('IB 日线');

    // Weights before/after the risk stage, each cut with its reason.
    const weights = page.getByTestId('snapshot-weights');
    await weights.locator('[data-cut=RISK_MAX_POSITION]').first().waitFor();
    expect(await weights.locator('[data-cut=RISK_MAX_POSITION]').first().textContent()).toBe('单票权重上限');

    // The sector chart: ECharts drew a canvas; the sums are in the DOM.
    const chart = page.getByTestId('snapshot-sector-chart');
    await chart.locator('canvas').first().waitFor();
    const sectors = (await chart.getAttribute('data-sectors')) ?? '';
    expect(sectors.split(';').map((s) => s.split(':')[0])).toEqual(expect.arrayContaining(['Energy']));
    const text = await settledText(page);
    expect(zhFindings(text)).toEqual([]);

    // Scores: sortable (ascending by score puts the lowest first).
    await page
      .getByTestId('snapshot-tabs')
      .getByRole('tab', { name: /模型评分/ })
      .click();
    const scores = page.getByTestId('snapshot-scores');
    await scores.locator('tbody tr').first().waitFor();
    expect(await scores.locator('tbody tr').count()).toBe(11);
    const column = async (index: number) =>
      (await scores.locator(`tbody tr td:nth-child(${index})`).allTextContents()).map(Number);
    const byRank = await column(4);
    expect(byRank).toEqual([...byRank].sort((a, b) => b - a));
    await scores.locator('thead th', { hasText: '评分' }).first().click();
    const ascending = await column(4);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    await page.getByTestId('snapshot-tabs').getByRole('tab', { name: /剔除/ }).click();
    expect(await page.getByTestId('snapshot-dropped').textContent()).toContain('缺少日线');
    expect(zhFindings(await settledText(page))).toEqual([]);
  });

  it('an edited snapshot row shows as not verified; the manual snapshot names its file hash and sender', async () => {
    await page.goto(`/live/snapshots/${seeded.manualSnapshotId}`);
    await page.getByTestId('snapshot-view').waitFor();
    await expect
      .poll(() => page.getByTestId('snapshot-verified').getAttribute('data-verified'))
      .toBe('false');
    expect(await page.getByTestId('snapshot-verified').textContent()).toContain('校验失败');
    expect(await page.getByTestId('snapshot-file-hash').getAttribute('data-hash')).toBe('f'.repeat(64));
    expect(await page.getByTestId('snapshot-manual-actor').textContent()).toBe('alice');
  });

  it('Live Trading: the signal version is the traded snapshot; the run detail links to it and parity is bit for bit', async () => {
    await page.goto('/live');
    const signal = page.getByTestId('signal-version');
    await signal.getByText(`已由批次 #${seeded.runId} 交易`).waitFor();
    expect(await signal.getByRole('link', { name: `快照 #${seeded.modelSnapshotId}` }).count()).toBe(1);

    await page.getByRole('tab', { name: '调仓批次与订单' }).click();
    // The first cell: the row's middle holds the snapshot link, which navigates instead.
    await page
      .getByTestId('live-runs')
      .locator('tbody tr', { hasText: 'snapshots-ui' })
      .locator('td')
      .first()
      .click();
    const detail = page.getByTestId('live-run-detail');
    await detail.waitFor();
    await detail.getByRole('tab', { name: '复算一致性（IB 数据）' }).click();
    await page.getByTestId('parity-button').click();
    const parity = page.getByTestId('parity-result');
    await parity.waitFor();
    expect(await parity.getAttribute('data-parity')).toBe('equal');
    expect(await parity.textContent()).toContain('逐位一致');

    // The second mode: the research backtest (Alpha data) beside the live weights, with the price gap.
    await page.getByTestId('alpha-parity-button').click();
    const alpha = page.getByTestId('alpha-parity-result');
    await alpha.waitFor();
    const gapRow = alpha.locator('tbody tr', { hasText: DIFFERENT });
    expect(await gapRow.textContent()).toContain('+1.000%');
    expect(zhFindings(await settledText(page))).toEqual([]);

    await page.getByTestId('run-detail-snapshot').click();
    await page.waitForURL(`**/live/snapshots/${seeded.modelSnapshotId}`);
    await page.getByTestId('snapshot-view').waitFor();
  });

  it('English: the same view speaks English, with no Chinese left', async () => {
    await page.goto(`/live/runs/${seeded.runId}/snapshot`);
    await page.waitForURL(`**/live/snapshots/${seeded.modelSnapshotId}`);
    await page.getByTestId('snapshot-view').waitFor();
    await switchLanguage(page, 'English');
    await expect.poll(() => page.getByTestId('snapshot-kind').textContent()).toBe('model decision');
    await expect.poll(() => page.getByTestId('snapshot-verified').getAttribute('data-verified')).toBe('true');
    const text = await settledText(page);
    const chinese = text.split('\n').filter((line) => HAN.test(line));
    expect(chinese).toEqual([]);
    await switchLanguage(page, '简体中文');
  });
});
