import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import type { PipelineRunView } from '../../src/contract/pipeline.js';
import { ManualClock } from '../../src/core/clock.js';
import { CHECKLIST_DATA_FAILED, StepError } from '../../src/pipeline/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, quickPipeline, runnerFor } from './context.js';
import { DAY_MS, useFallbackApp } from './fallback-env.js';

type Policy = 'last-good' | 'stand-still';

/**
 * Issue #13: with the gateway's market data stopped (`stop-data` on every symbol), the checklist's
 * data items fail; instead of failing the run, the project's fallback policy applies. `stand-still`
 * sends nothing; `last-good` freezes a `fallback` snapshot naming the last good one and trades its
 * weights, sized from the last stored daily closes since no quote comes. Both are audited, alerted
 * and shown by GET /api/risk/fallback (the Live Trading page's fallback card).
 */
describe.each(ENGINES)('market data stopped: the run follows the fallback policy, %s', (engine) => {
  const app = useFallbackApp(engine);
  const { gateway, placed, runNow, liquidate, shown } = app;
  const setPolicy = (fallback: Policy) => app.setPipeline({ fallback });
  const fallbackRecords = async (runId: number) => ({
    audit: await app.fallbackAudit(runId),
    alerts: await app.fallbackAlerts(),
  });
  const checklistOf = (run: PipelineRunView) => {
    const step = run.steps.find((s) => s.name === 'checklist');
    const items = (step?.evidence?.items ?? []) as Array<{ id: string; ok: boolean }>;
    return { status: step?.status, failed: items.filter((i) => !i.ok).map((i) => i.id) };
  };

  it('stands still, then trades the last good snapshot from the last closes', async () => {
    const { t, api, clock } = app;
    // Monday: a normal run completes, so its model snapshot is the last good one.
    const good = await runNow();
    expect(good.status, JSON.stringify(good.steps.map((s) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    const goodSnapshotId = Number(good.steps.find((s) => s.name === 'decide')?.evidence?.snapshotId);
    const snapshots = () => {
      const found = t.app.trading.execution?.service.snapshots;
      if (!found) throw new Error('no execution runtime');
      return found;
    };
    const goodSnapshot = await snapshots().requireVerified(goodSnapshotId);
    const weights = goodSnapshot.content.weightsAfter;
    const symbols = Object.keys(weights);
    expect(symbols.length).toBeGreaterThan(0);

    // Tuesday: another project on the same account sells everything while quotes still come, so a
    // run that trades the last good weights again has every position to buy back.
    clock.advance(DAY_MS);
    // Sessions expire on the app's clock.
    await api.login();
    const service = t.app.trading.execution?.service;
    if (!service) throw new Error('no execution runtime');
    await liquidate('2026-11-24', symbols[0] as string);

    // The feed stops for every symbol; stand-still: the run ends STOOD_STILL and sends nothing.
    for (const symbol of symbols) await gateway().faults.stopData(symbol);
    // Five minutes pass (the stepped clock stands still otherwise): the quotes held go stale.
    clock.advance(5 * 60_000);
    await setPolicy('stand-still');
    const placedBefore = placed();
    const stood = await runNow();
    expect(stood.status, JSON.stringify(stood.steps.map((s) => [s.name, s.status, s.error]))).toBe(
      'STOOD_STILL',
    );
    expect(stood.fallback).toBe('stand-still');
    const stoodChecklist = checklistOf(stood);
    expect(stoodChecklist.status).toBe('FAILED');
    expect(stoodChecklist.failed.length).toBeGreaterThan(0);
    expect(stoodChecklist.failed.every((id) => id === 'bars.complete' || id === 'quotes.fresh')).toBe(true);
    expect(stood.steps.find((s) => s.name === 'submit')?.status).toBe('SKIPPED');
    expect(placed()).toBe(placedBefore);
    const stoodRecords = await fallbackRecords(stood.id);
    expect(stoodRecords.audit).toMatchObject([{ policy: 'stand-still', step: 'checklist' }]);
    expect(stoodRecords.alerts).toBeGreaterThanOrEqual(1);
    const stoodShown = await shown();
    expect(stoodShown.latest).toMatchObject({
      pipelineRunId: stood.id,
      used: 'stand-still',
      snapshotId: null,
    });
    expect(stoodShown.latest?.reason).toContain('quotes.fresh');
    // The page renders the catalogued reason in its language, not the English text.
    expect(stoodShown.latest?.reasonText).toMatchObject({ code: 'PIPELINE_CHECKLIST_FAILED' });

    // Wednesday, still no data; last-good: a fallback snapshot of the good one is frozen and traded.
    clock.advance(DAY_MS);
    await api.login();
    await setPolicy('last-good');
    const traded = await runNow();
    const summary = JSON.stringify(traded.steps.map((s) => [s.name, s.status, s.error]));
    expect(traded.status, summary).toBe('SUCCEEDED');
    expect(traded.fallback).toBe('last-good');
    expect(checklistOf(traded).status).toBe('FAILED');
    const byName = Object.fromEntries(traded.steps.map((s) => [s.name, s]));
    const decide = byName.decide?.evidence ?? {};
    expect(decide).toMatchObject({
      fallback: 'last-good',
      sourceSnapshotId: goodSnapshotId,
      failedStep: 'checklist',
    });
    const fallbackSnapshot = await snapshots().requireVerified(Number(decide.snapshotId));
    expect(fallbackSnapshot.kind).toBe('fallback');
    expect(fallbackSnapshot.content.weightsAfter).toEqual(weights);
    expect(fallbackSnapshot.content.fallback?.sourceHash).toBe(goodSnapshot.contentHash);
    // Every symbol was sized from its last stored daily close: no quote came.
    expect(byName.plan?.evidence?.priceSources).toEqual({ 'bar-close': symbols.length });
    expect(byName.submit?.evidence?.priceSources).toEqual({ 'bar-close': symbols.length });

    // The orders: the fallback snapshot's, buying each weight back from flat at the last close.
    const tradeRun = await service.engine.repo.getRun(Number(byName.submit?.evidence?.tradeRunId));
    expect(tradeRun.snapshotId).toBe(fallbackSnapshot.id);
    expect(tradeRun.snapshotHash).toBe(fallbackSnapshot.contentHash);
    const bars = t.app.trading.ib?.bars;
    const netLiquidation = Number(tradeRun.plan?.netLiquidation);
    const sizing = (tradeRun.plan?.prices ?? {}) as Record<string, { price: number; source: string }>;
    const orders = await service.engine.repo.orders({ runId: tradeRun.id });
    expect(orders.length).toBe(placed() - placedBefore);
    expect(new Set(orders.map((o) => o.symbol))).toEqual(
      new Set(symbols.filter((s) => (weights[s] ?? 0) > 0)),
    );
    for (const order of orders) {
      const close = bars?.read(order.symbol, '1 day');
      const lastClose = close?.close[close.length - 1];
      expect(sizing[order.symbol]).toMatchObject({ source: 'bar-close', price: lastClose });
      // The close of the last session before the data stopped, not an older one.
      expect(new Date(close?.timeMs[close.length - 1] ?? 0).toISOString().slice(0, 10)).toBe('2026-11-23');
      expect(order.side).toBe('BUY');
      expect(order.quantity).toBe(tradeRun.targets?.[order.symbol]);
      const weight = weights[order.symbol] ?? 0;
      // Whole shares: within one share's value of the weight.
      expect(Math.abs(order.quantity * (lastClose ?? 0) - weight * netLiquidation)).toBeLessThanOrEqual(
        lastClose ?? 0,
      );
    }
    const tradedRecords = await fallbackRecords(traded.id);
    expect(tradedRecords.audit).toMatchObject([{ policy: 'last-good', step: 'checklist' }]);
    expect(tradedRecords.alerts).toBeGreaterThanOrEqual(2);
    const tradedShown = await shown();
    expect(tradedShown).toMatchObject({ policy: 'last-good' });
    expect(tradedShown.latest).toMatchObject({
      pipelineRunId: traded.id,
      used: 'last-good',
      snapshotId: fallbackSnapshot.id,
      sourceSnapshotId: goodSnapshotId,
      sourceHash: goodSnapshot.contentHash,
      tradeRunId: tradeRun.id,
      reasonText: { code: 'PIPELINE_CHECKLIST_FAILED' },
    });
  }, 600_000);
});

/**
 * Only the checklist's market-data items route to the fallback: an unsafe state (IB down, account,
 * trading state, open orders, lease) fails the run even under `last-good`, and nothing is traded.
 */
describe.each(ENGINES)('which checklist failures fall back, %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  it('an unsafe state fails the run; bad data trades the last good snapshot', async () => {
    target = await freshTarget(engine);
    // Tuesday 2026-01-13, 10:30 New York: the market is open.
    ctx = await pipelineContext(target, new ManualClock(Date.parse('2026-01-13T15:30:00Z')));
    let lastGoodCalls = 0;
    const fallback = {
      lastGood: async () => {
        lastGoodCalls++;
        return { snapshotId: 7, sourceSnapshotId: 5, weights: { AAA: 0.5 } };
      },
    };
    const run = async (name: string, code: string) => {
      const counting = new CountingWork();
      const work = {
        ...counting.work,
        checklist: async () => {
          counting.calls.checklist++;
          throw new StepError(code, 'checklist failed: x', { evidence: { items: [], passed: false } });
        },
      };
      const projectId = await createProject(ctx, name, quickPipeline('last-good'));
      const runner = runnerFor(ctx, work, 'a', fallback);
      const result = await runner.settled(
        (await runner.trigger({ projectId, trigger: 'manual', actor: 'test' })).run.id,
      );
      return { result, calls: counting.calls };
    };

    const unsafe = await run('unsafe', 'CHECKLIST_FAILED');
    expect(unsafe.result.status).toBe('FAILED');
    expect(unsafe.result.fallback).toBeNull();
    expect(unsafe.calls.decide + unsafe.calls.submit).toBe(0);
    expect(lastGoodCalls).toBe(0);

    const data = await run('data', CHECKLIST_DATA_FAILED);
    expect(data.result.status).toBe('SUCCEEDED');
    expect(data.result.fallback).toBe('last-good');
    expect(lastGoodCalls).toBe(1);
    // The decision is the last good snapshot, not a new one; the checklist keeps its failure and evidence.
    expect(data.calls.decide).toBe(0);
    expect(data.calls.submit).toBe(1);
    const checklist = data.result.steps.find((s) => s.name === 'checklist');
    expect(checklist?.status).toBe('FAILED');
    expect(checklist?.evidence).toEqual({ items: [], passed: false });
    expect(data.result.steps.find((s) => s.name === 'decide')?.evidence).toMatchObject({
      snapshotId: 7,
      fallback: 'last-good',
      failedStep: 'checklist',
    });
  });
});
