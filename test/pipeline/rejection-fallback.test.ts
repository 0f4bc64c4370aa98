import { describe, expect, it } from 'vitest';
import type { PipelineRunView } from '../../src/contract/pipeline.js';
import { FallbackResponse } from '../../src/contract/risk.js';
import { REJECTIONS_ABOVE_LIMIT } from '../../src/pipeline/index.js';
import { ENGINES } from '../helpers/engines.js';
import { DAY_MS, type FallbackAudit, useFallbackApp } from './fallback-env.js';

/**
 * Issue #13 item 3 / #15: IB rejects more of a run's orders than `pipeline.maxRejectedShare` allows
 * (the gateway's rejection fault): the run stops trading (its open orders are cancelled, nothing more
 * is sent) and ends STOOD_STILL with the fallback audited and alerted. A last-good project stands
 * still too and records the last good snapshot as the target. A run within the limit is unchanged.
 */
describe.each(ENGINES)(
  'IB rejects the run orders: the run stops and follows the fallback policy, %s',
  (engine) => {
    const app = useFallbackApp(engine);
    const { gateway, placed, service, setPipeline, runNow, liquidate, fallbackAudit, fallbackAlerts } = app;
    const summary = (run: PipelineRunView) =>
      JSON.stringify(run.steps.map((s) => [s.name, s.status, s.error]));
    const stepOf = (run: PipelineRunView, name: string) => run.steps.find((s) => s.name === name);

    /** The run stood still on rejections: audited, alerted, and nothing placed after the stop. */
    const expectStopped = async (run: PipelineRunView, configured: string, alertsBefore: number) => {
      expect(run.status, summary(run)).toBe('STOOD_STILL');
      expect(run.fallback).toBe('stand-still');
      const monitor = stepOf(run, 'monitor');
      expect(monitor?.status).toBe('FAILED');
      expect(monitor?.errorCode).toBe(REJECTIONS_ABOVE_LIMIT);
      expect(monitor?.errorText?.code).toBe('PIPELINE_REJECTIONS_ABOVE_LIMIT');
      const evidence = monitor?.evidence ?? {};
      expect(Number(evidence.rejected) / Number(evidence.orders)).toBeGreaterThan(0.2);
      expect(stepOf(run, 'report')?.status).toBe('SKIPPED');
      const audit = (await fallbackAudit(run.id)).filter((a) => a.step === 'monitor');
      expect(audit).toMatchObject([
        { policy: 'stand-still', configured, reasonCode: REJECTIONS_ABOVE_LIMIT, stoppedTrading: true },
      ]);
      expect(await fallbackAlerts()).toBeGreaterThan(alertsBefore);
      // Nothing is sent after the stop: every order of the run is final, and the gateway sees no new one.
      const orders = await service().engine.repo.orders({
        runId: Number(stepOf(run, 'submit')?.evidence?.tradeRunId),
      });
      expect(orders.length).toBe(Number(evidence.orders));
      expect(orders.every((o) => ['FILLED', 'CANCELED', 'REJECTED'].includes(o.status))).toBe(true);
      const placedAtStop = placed();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(placed()).toBe(placedAtStop);
      return audit[0] as FallbackAudit;
    };

    it('a rejection within the limit changes nothing; above it the run stops, stand-still and last-good alike', async () => {
      const { api, clock, projectId } = app;
      // Monday: one of the run's orders (30 symbols, 10 % at most each) rejected, within the default
      // limit of 20 %: the run completes as usual.
      await gateway().faults.rejectNext(1);
      const good = await runNow();
      expect(good.status, summary(good)).toBe('SUCCEEDED');
      expect(good.fallback).toBeNull();
      const goodOrders = await service().engine.repo.orders({ runId: Number(good.tradeRunId) });
      expect(goodOrders.filter((o) => o.status === 'REJECTED')).toHaveLength(1);
      expect(await fallbackAudit(good.id)).toEqual([]);
      const goodSnapshotId = Number(stepOf(good, 'decide')?.evidence?.snapshotId);
      const symbol = Object.keys(
        (stepOf(good, 'decide')?.evidence?.weights ?? {}) as Record<string, number>,
      )[0] as string;

      // Tuesday: flat again, every order rejected, the default limit (20 %), stand-still.
      clock.advance(DAY_MS);
      await api.login();
      await liquidate('2026-11-24', symbol);
      await gateway().faults.rejectNext(1_000);
      const alertsBefore = await fallbackAlerts();
      const stood = await runNow();
      const stoodAudit = await expectStopped(stood, 'stand-still', alertsBefore);
      expect(stoodAudit.lastGoodSnapshotId).toBeNull();
      // The Live Trading page's fallback card names the run and why it stood still, as a message code.
      const card = await api.request<FallbackResponse>('GET', `/api/risk/fallback?project=${projectId}`);
      expect(card.status, card.text).toBe(200);
      expect(FallbackResponse.parse(card.body).latest).toMatchObject({
        pipelineRunId: stood.id,
        used: 'stand-still',
        reasonText: { code: 'PIPELINE_REJECTIONS_ABOVE_LIMIT' },
      });

      // Wednesday: last-good (a new project version, which has no trained model: the decision fails and
      // the run trades Monday's snapshot again). IB rejects those orders too: the run stops and stands
      // still, naming Monday's snapshot as the target, since trading it again in this run is not safe.
      clock.advance(DAY_MS);
      await api.login();
      await setPipeline({ fallback: 'last-good', maxRejectedShare: 0.2 });
      const alertsBeforeLastGood = await fallbackAlerts();
      const lastGood = await runNow();
      const lastGoodAudit = await expectStopped(lastGood, 'last-good', alertsBeforeLastGood);
      expect(lastGoodAudit.lastGoodSnapshotId).toBe(goodSnapshotId);
      // Last-good trades the snapshot of the last run that completed (Monday's), not Tuesday's newer
      // one, whose run stood still.
      expect(stepOf(lastGood, 'decide')?.evidence).toMatchObject({
        fallback: 'last-good',
        sourceSnapshotId: goodSnapshotId,
      });
      expect((await fallbackAudit(lastGood.id)).map((a) => [a.step, a.policy])).toEqual([
        ['decide', 'last-good'],
        ['monitor', 'stand-still'],
      ]);
      await gateway().faults.rejectNext(0);
    }, 900_000);
  },
);
