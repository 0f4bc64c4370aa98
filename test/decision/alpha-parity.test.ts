import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTradingDay } from '../../src/calendar/index.js';
import type { AlphaParityResult } from '../../src/contract/decisions.js';
import type { ApiErrorBody } from '../../src/contract/errors.js';
import type { DecisionService, Snapshot } from '../../src/decision/index.js';
import { type DemoReport, demoInstruments, seedDemo } from '../../src/demo/index.js';
import { IbBarStore } from '../../src/marketdata/index.js';
import { defaultInstruments } from '../../src/sim/market/index.js';
import { AlphaBarStore, makeAlphaBars } from '../../src/sources/alpha/index.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { countSnapshots, decisionService, insertRun } from './fixture.js';
import { openGateway, preOpenMs } from './gateway.js';

type ErrorBody = ApiErrorBody;

/**
 * Parity's second mode on the demo: the demo project's live decision (IB bars backfilled from the
 * paper gateway of the demo's seed) beside the research backtest's decision on the demo's Alpha data,
 * over the API and the CLI, with the close differences that explain a gap and coded refusals.
 */
describe('parity against the research backtest (Alpha data) on the demo', () => {
  let t: TestApp;
  let api: ApiClient;
  let demo: DemoReport;
  let service: DecisionService;
  let snapshot: Snapshot;
  let runId: number;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    cleanups.push(() => t.close());
    demo = await seedDemo(t.app.ctx, { seed: 1, years: 2 });
    const asOf = demo.to!;
    const tradingDate = nextTradingDay(asOf);
    const gateway = await openGateway({
      startMs: preOpenMs(tradingDate),
      seed: 1,
      instruments: (clock) => demoInstruments(30, defaultInstruments(clock)),
    });
    cleanups.push(() => gateway.close());
    await gateway.backfill(new IbBarStore(t.target.dataRoot), demo.symbols, {
      firstAsOf: asOf,
      sessions: 300,
      last: asOf,
    });
    service = decisionService(t);
    ({ snapshot } = await service.decideAndFreeze({ projectId: demo.projectId, tradingDate }));
    runId = await insertRun(t, snapshot, 'demo');
    api = new ApiClient(t.app.url);
    await api.login('admin', TEST_ADMIN_PASSWORD);
  }, 600_000);
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const parity = () => api.request<AlphaParityResult>('GET', `/api/runs/${runId}/parity/alpha`);

  it('shows the research weights beside the live ones, per symbol, with the close differences', async () => {
    const response = await parity();
    expect(response.status).toBe(200);
    const result = response.body;
    expect(result).toMatchObject({
      against: 'alpha',
      runId,
      snapshotId: snapshot.id,
      tradingDate: snapshot.tradingDate,
      asOf: demo.to,
      modelVersion: demo.modelVersion,
    });
    expect(result.symbols.map((row) => row.symbol).sort()).toEqual([...demo.symbols].sort());
    for (const row of result.symbols) {
      expect(row.liveWeight, row.symbol).toBe(snapshot.content.weightsAfter[row.symbol] ?? 0);
      expect(row.weightGap, row.symbol).toBe(row.alphaWeight - row.liveWeight);
      expect(row.days, row.symbol).toBeGreaterThan(200);
      expect(row.ibClose, row.symbol).not.toBeNull();
      expect(row.alphaAdjustedClose, row.symbol).not.toBeNull();
    }
    const gaps = result.symbols.some((row) => row.weightGap !== 0);
    // The demo's research data is the paper gateway's market: the two decisions agree to the bit.
    expect(result.symbols.every((row) => row.daysDiffering === 0 && row.daysMissing === 0)).toBe(true);
    expect(result.weightsEqual).toBe(true);
    expect(result.weightsEqual).toBe(!gaps);
    expect(result.turnoverGap).toBeCloseTo(
      result.symbols.reduce((sum, row) => sum + Math.abs(row.weightGap), 0) / 2,
      12,
    );
    // The same computation in a second process: the CLI's JSON equals the API's answer.
    const cli = runCli(
      ['parity', '--run', String(runId), '--against', 'alpha', '--json', '--data-root', t.target.dataRoot],
      {
        IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      },
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(result);
  }, 120_000);

  it('explains a gap by the symbol whose Alpha closes differ', async () => {
    // An unheld name's recent Alpha closes tripled: research momentum buys it, live (IB) does not.
    const before = (await parity()).body;
    const unheld = before.symbols
      .filter((row) => row.liveWeight === 0 && row.liveScore !== null)
      .sort((a, b) => a.liveScore! - b.liveScore!)[0]!;
    const store = new AlphaBarStore(t.target.dataRoot, t.app.ctx.clock);
    const original = await store.load(unheld.symbol);
    const bump = (column: Float64Array) =>
      Float64Array.from(column, (value, i) => (i >= original.length - 30 ? value * 3 : value));
    await store.put(
      makeAlphaBars(unheld.symbol, {
        ...original,
        open: bump(original.open),
        high: bump(original.high),
        low: bump(original.low),
        close: bump(original.close),
        adjustedClose: bump(original.adjustedClose),
      }),
      'test',
    );
    await store.flush();
    const after = (await parity()).body;
    expect(after.weightsEqual).toBe(false);
    expect(after.turnoverGap).toBeGreaterThan(0);
    const row = after.symbols.find((r) => r.symbol === unheld.symbol)!;
    expect(row.liveWeight).toBe(0);
    expect(row.alphaWeight).toBeGreaterThan(0);
    expect(row.daysDiffering).toBeGreaterThanOrEqual(30);
    expect(row.closeDiff).toBeCloseTo((row.alphaAdjustedClose! - row.ibClose!) / row.ibClose!, 12);
    expect(row.maxCloseDiff).toBeGreaterThan(1);
    expect(row.maxCloseDiffDay! >= demo.from!).toBe(true);
    const table = runCli(
      ['parity', '--run', String(runId), '--against', 'alpha', '--data-root', t.target.dataRoot],
      { IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD },
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/weights differ: one-way turnover between them/);
    expect(table.stdout).toMatch(new RegExp(`^${unheld.symbol} +0\\.0000 +0\\.\\d{4}`, 'm'));
    await store.put(original, 'test');
    await store.flush();
  }, 120_000);

  it('refuses with a code naming the symbols without an Alpha bar on the decision close', async () => {
    const store = new AlphaBarStore(t.target.dataRoot, t.app.ctx.clock);
    const symbol = snapshot.content.inputs[0]!.symbol;
    const original = await store.load(symbol);
    const cut = original.length - 1;
    const truncate = <C extends Float64Array | Int32Array>(column: C) => column.slice(0, cut) as C;
    await store.put(
      makeAlphaBars(symbol, {
        days: truncate(original.days),
        open: truncate(original.open),
        high: truncate(original.high),
        low: truncate(original.low),
        close: truncate(original.close),
        adjustedClose: truncate(original.adjustedClose),
        volume: truncate(original.volume),
        dividend: truncate(original.dividend),
        splitCoefficient: truncate(original.splitCoefficient),
      }),
      'test',
    );
    await store.flush();
    const snapshots = await countSnapshots(t);
    const refused = await api.request<ErrorBody>('GET', `/api/runs/${runId}/parity/alpha`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.text).toEqual({
      code: 'PARITY_NO_ALPHA_DATA',
      params: { date: demo.to, symbols: symbol },
    });
    expect(await countSnapshots(t)).toBe(snapshots);
    await store.put(original, 'test');
    await store.flush();
    expect((await parity()).status).toBe(200);

    // A manual snapshot has no model decision to compare.
    const manual = await service.freezeManual({
      projectId: demo.projectId,
      // One run per project and day: the manual one on the next trading day.
      tradingDate: nextTradingDay(snapshot.tradingDate),
      weights: { [symbol]: 0.5 },
      fileHash: 'a'.repeat(64),
      actor: 'alice',
    });
    const manualRun = await insertRun(t, manual.snapshot, 'demo');
    const notModel = await api.request<ErrorBody>('GET', `/api/runs/${manualRun}/parity/alpha`);
    expect(notModel.status).toBe(409);
    expect(notModel.body.error.text).toEqual({
      code: 'PARITY_NOT_MODEL_DECISION',
      params: { id: manual.snapshot.id, kind: 'manual' },
    });
    expect((await api.request('GET', '/api/runs/999999/parity/alpha')).status).toBe(404);
  }, 120_000);
});
