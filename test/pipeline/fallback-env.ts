import { afterAll, beforeAll, expect } from 'vitest';
import type { PipelineRunView, RunNowResponse } from '../../src/contract/pipeline.js';
import { FallbackResponse } from '../../src/contract/risk.js';
import type { PipelineParams } from '../../src/pipeline/index.js';
import type { SimClock } from '../../src/sim/market/index.js';
import type { ApiClient, TestApp } from '../helpers/app.js';
import type { EngineName } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { createProject } from './context.js';
import { builtInGateway, placedOrders, startWeeksApp } from './weeks-env.js';

/** Monday 2026-11-23 10:00 New York: the market is open on the gateway's clock. */
export const MONDAY_OPEN = Date.UTC(2026, 10, 23, 15, 0, 0);
export const DAY_MS = 86_400_000;

/** A `pipeline.fallback` audit record's figures. */
export interface FallbackAudit {
  runId: number;
  policy: string;
  configured: string;
  step: string;
  reasonCode: string;
  stoppedTrading?: boolean;
  lastGoodSnapshotId?: number | null;
}

/**
 * The setup the fallback suites share (stopped market data, IB rejections): the weeks app on
 * Monday's open with the demo project, started once per describe block and closed after it, with the
 * steps those tests take on it. Read `t`, `api`, `clock` and `projectId` inside a test (they are set
 * by the block's beforeAll).
 */
export function useFallbackApp(engine: EngineName) {
  let started: Awaited<ReturnType<typeof startWeeksApp>> | undefined;
  beforeAll(async () => {
    started = await startWeeksApp(engine, MONDAY_OPEN);
  }, 600_000);
  afterAll(async () => started?.t.close());
  const app = () => {
    if (!started) throw new Error('the fallback app has not started');
    return started;
  };
  const service = () => {
    const found = app().t.app.trading.execution?.service;
    if (!found) throw new Error('no execution runtime');
    return found;
  };
  return {
    get t(): TestApp {
      return app().t;
    },
    get api(): ApiClient {
      return app().api;
    },
    get clock(): SimClock {
      return app().clock;
    },
    get projectId(): number {
      return app().projectId;
    },
    gateway: () => builtInGateway(app().t),
    /** How many orders the gateway has been asked to place so far. */
    placed: () => placedOrders(app().t),
    service,
    async setPipeline(pipeline: Partial<PipelineParams>): Promise<void> {
      const { t, projectId } = app();
      const project = await t.app.ctx.projects.get(projectId);
      await t.app.ctx.projects.update(
        projectId,
        { params: { ...project.params, pipeline: { ...project.params.pipeline, ...pipeline } } },
        'test',
      );
    },
    /** Starts the project's run now (the market open) and waits until it is final. */
    async runNow(): Promise<PipelineRunView> {
      const { api, projectId } = app();
      const begun = await api.request<RunNowResponse>('POST', '/api/pipeline/run', { projectId });
      expect(begun.status, begun.text).toBe(200);
      expect(begun.body.marketClosed).toBe(false);
      return pollUntil(
        async () =>
          (await api.request<{ run: PipelineRunView }>('GET', `/api/pipeline/runs/${begun.body.run.id}`)).body
            .run,
        (r) => !['WAITING', 'RUNNING'].includes(r.status),
        240_000,
      );
    },
    /** Sells every position from another project, so the next run has orders to send. */
    async liquidate(tradingDate: string, symbol: string): Promise<void> {
      const liquidator = await createProject(app().t.app.ctx, `liquidator ${tradingDate}`);
      const sold = await service().executeTargets({
        projectId: liquidator,
        tradingDate,
        weights: { [symbol]: 0 },
        actor: 'test',
      });
      await service().waitForRun(sold.run.id, 60_000);
      const positions = await service().engine.broker.account.positions();
      expect(positions.filter((p) => p.quantity !== 0)).toEqual([]);
    },
    /** The run's `pipeline.fallback` audit records. */
    async fallbackAudit(runId: number): Promise<FallbackAudit[]> {
      const rows = await app()
        .t.app.ctx.store.db.selectFrom('audit_log')
        .select('after_json')
        .where('action', '=', 'pipeline.fallback')
        // The chain's order: PostgreSQL returns rows in no particular order without it.
        .orderBy('id')
        .execute();
      return rows
        .map((a) => JSON.parse(a.after_json ?? '{}') as FallbackAudit)
        .filter((a) => a.runId === runId);
    },
    /** How many `fallback.used` alerts are queued. */
    async fallbackAlerts(): Promise<number> {
      const rows = await app()
        .t.app.ctx.store.db.selectFrom('alert_outbox')
        .select('kind')
        .where('kind', '=', 'fallback.used')
        .execute();
      return rows.length;
    },
    /** What the Live Trading page's fallback card shows (GET /api/risk/fallback). */
    async shown(): Promise<FallbackResponse> {
      const { api, projectId } = app();
      const answer = await api.request<FallbackResponse>('GET', `/api/risk/fallback?project=${projectId}`);
      expect(answer.status, answer.text).toBe(200);
      return FallbackResponse.parse(answer.body);
    },
  };
}
