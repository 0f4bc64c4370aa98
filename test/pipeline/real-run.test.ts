import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineRunView, RunNowResponse } from '../../src/contract/pipeline.js';
import { checkWeek } from '../../src/demo/weeks.js';
import { PipelineRepository } from '../../src/pipeline/index.js';
import type { ApiClient, TestApp } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';
import { expectCleanWeek, startWeeksApp } from './weeks-env.js';

/** Monday 2026-11-23 10:00 New York: the market is open on the gateway's clock. */
const MONDAY_OPEN = Date.UTC(2026, 10, 23, 15, 0, 0);

/**
 * A real (not dry) weekly run end to end on the built-in paper gateway: checklist, decide and freeze,
 * plan, risk, submit by the frozen snapshot's id, monitor until filled, report.
 */
describe('a real weekly run on the built-in paper gateway', () => {
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    ({ t, api, projectId } = await startWeeksApp('sqlite', MONDAY_OPEN));
  }, 600_000);
  afterAll(async () => t?.close());

  it('trades the frozen snapshot once, fills to the targets and stores the report', async () => {
    const started = await api.request<RunNowResponse>('POST', '/api/pipeline/run', { projectId });
    expect(started.status, started.text).toBe(200);
    expect(started.body.marketClosed).toBe(false);
    const run = await pollUntil(
      async () =>
        (await api.request<{ run: PipelineRunView }>('GET', `/api/pipeline/runs/${started.body.run.id}`)).body
          .run,
      (r) => !['WAITING', 'RUNNING'].includes(r.status),
      240_000,
    );
    const summary = JSON.stringify(run.steps.map((s) => [s.name, s.status, s.errorCode, s.error]));
    expect(run.status, summary).toBe('SUCCEEDED');
    expect(run.dryRun).toBe(false);
    expect(run.steps.map((s) => s.status)).toEqual(Array(7).fill('SUCCEEDED'));
    const byName = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    const decide = byName.decide?.evidence ?? {};
    expect(decide.snapshotId).toEqual(expect.any(Number));
    // Submit traded the snapshot the decide step froze, by its id, and the trade run keeps its hash.
    expect(byName.submit?.evidence?.snapshotId).toBe(decide.snapshotId);
    expect(byName.submit?.evidence?.snapshotHash).toBe(decide.contentHash);
    expect(run.report).not.toBeNull();
    expect(run.report?.filledOrders).toBe(byName.submit?.evidence?.orders);

    const trading = t.app.trading;
    const week = await checkWeek(
      t.app.ctx,
      trading,
      await new PipelineRepository(t.app.ctx.store.db, t.app.ctx.clock).get(run.id),
      1,
    );
    expectCleanWeek(week);
    const placed = trading.builtInGateway?.orderLog().filter((e) => e.kind === 'place') ?? [];
    expect(placed.length).toBe(week.orders);
    const rows = await t.app.ctx.store.db
      .selectFrom('trade_orders')
      .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
      .select(['trade_orders.client_order_id', 'trade_runs.snapshot_id', 'trade_runs.snapshot_hash'])
      .execute();
    expect(rows.length).toBe(placed.length);
    for (const row of rows) {
      expect(Number(row.snapshot_id)).toBe(decide.snapshotId);
      expect(row.snapshot_hash).toBe(decide.contentHash);
    }

    // Run now again the same day: the run key joins the finished run; nothing is sent again.
    const again = await api.request<RunNowResponse>('POST', '/api/pipeline/run', { projectId });
    expect(again.body.joined).toBe(true);
    expect(trading.builtInGateway?.orderLog().filter((e) => e.kind === 'place').length).toBe(placed.length);
  }, 300_000);
});
