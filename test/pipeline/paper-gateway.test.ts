import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineRunView, RunNowResponse } from '../../src/contract/pipeline.js';
import { seedDemo } from '../../src/demo/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * The pipeline over the real parts: the server with its built-in paper gateway (IB adapter over TCP),
 * the demo project and its model, IB bars backfilled by the checklist, a frozen-decision preview,
 * sizing on IB prices and the pre-trade rules. A dry run: it goes through the risk check and sends
 * nothing, so it runs whether the market is open or not.
 */
describe('pipeline on the built-in paper gateway', () => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { trading: { enabled: true, builtInGateway: 'auto' } });
    api = new ApiClient(t.app.url);
    await api.login();
    projectId = (await seedDemo(t.app.ctx, { seed: 1, years: 3 })).projectId;
    await pollUntil(
      async () => (await api.request<{ status: string }>('GET', '/api/ib/status')).body,
      (s) => s.status === 'CONNECTED',
      60_000,
    );
  }, 600_000);
  afterAll(async () => t.close());

  it('a dry run goes through checklist, decision, plan and risk, shows the orders and sends nothing', async () => {
    const started = await api.request<RunNowResponse>('POST', '/api/pipeline/run', {
      projectId,
      dryRun: true,
    });
    expect(started.status).toBe(200);
    const run = await pollUntil(
      async () =>
        (await api.request<{ run: PipelineRunView }>('GET', `/api/pipeline/runs/${started.body.run.id}`)).body
          .run,
      (r) => !['WAITING', 'RUNNING'].includes(r.status),
      240_000,
    );
    const byName = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    expect(run.dryRun).toBe(true);
    expect(byName.checklist?.evidence?.items, JSON.stringify(run.steps)).toBeDefined();
    expect(run.status, JSON.stringify(run.steps.map((s) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    const items = byName.checklist?.evidence?.items as Array<{ id: string; ok: boolean }>;
    expect(items.map((i) => i.id)).toEqual([
      'ib.connected',
      'account.mode',
      'universe.conIds',
      'bars.complete',
      'quotes.fresh',
      'trading.active',
      'reconciliation.clean',
      'market.open',
      'lease.held',
    ]);
    expect(Object.keys((byName.decide?.evidence?.weights ?? {}) as object).length).toBeGreaterThan(0);
    expect(((byName.plan?.evidence?.orders ?? []) as unknown[]).length).toBeGreaterThan(0);
    expect(byName.risk?.evidence?.passed).toBe(true);
    const orders = await t.app.ctx.store.db.selectFrom('trade_orders').select('id').execute();
    expect(orders).toHaveLength(0);
  }, 300_000);
});
