import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionRepository } from '../../src/execution/index.js';
import { ApiClient, startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { addProject } from './projects.js';

describe('execution API on a read-only replica', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('serves runs, orders with events, fills, target vs filled and the lease; refuses to trade', async () => {
    t = await startTestApp('sqlite');
    const ctx = t.app.ctx;
    const repo = new ExecutionRepository(ctx.store.db, ctx.store.engine, ctx.audit, ctx.clock);
    const projectId = await addProject(ctx.store.db, 'demo');
    const { run } = await repo.createOrJoinRun({
      projectId,
      tradingDate: '2026-11-24',
      mode: 'paper',
      weights: { AAPL: 0.5 },
      actor: 'test',
    });
    await repo.setRunTargets(run.id, { AAPL: 10 }, { positionsBefore: { AAPL: 2 } });
    const fence = async () => 1;
    const [order] = await repo.recordIntents(run.id, fence, () => [
      {
        symbol: 'AAPL',
        conId: 1,
        side: 'BUY',
        quantity: 8,
        orderType: 'MKT',
        limitPrice: null,
        tif: 'DAY',
        account: 'DU1234567',
      },
    ]);
    if (!order) throw new Error('no order');
    await repo.claimForSend(order.id, 501, fence);
    await repo.recordFill({
      execId: 'e1',
      orderId: 501,
      permId: 9,
      clientId: 1,
      orderRef: order.clientOrderId,
      account: 'DU1234567',
      symbol: 'AAPL',
      conId: 1,
      side: 'BUY',
      shares: 5,
      price: 100,
      cumQty: 5,
      avgPrice: 100,
      exchange: 'ISLAND',
      timeMs: Date.UTC(2026, 10, 24, 15),
    });

    const client = new ApiClient(t.app.url);
    await client.login('admin', TEST_ADMIN_PASSWORD);
    const runs = await client.request<{ runs: Array<{ id: number; status: string }> }>(
      'GET',
      '/api/execution/runs',
    );
    expect(runs.status).toBe(200);
    expect(runs.body.runs.map((r) => r.id)).toEqual([run.id]);

    const detail = await client.request<{
      orders: Array<{ status: string; filledQty: number; events: Array<{ kind: string }> }>;
      fills: Array<{ execId: string }>;
      progress: Array<{ symbol: string; target: number; filled: number; working: number; deviation: number }>;
    }>('GET', `/api/execution/runs/${run.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.orders[0]).toMatchObject({ status: 'PARTIAL', filledQty: 5 });
    expect(detail.body.orders[0]?.events.map((e) => e.kind)).toEqual(['intent', 'send', 'fill', 'fill']);
    expect(detail.body.fills.map((f) => f.execId)).toEqual(['e1']);
    expect(detail.body.progress).toEqual([
      expect.objectContaining({ symbol: 'AAPL', target: 10, filled: 5, working: 3, deviation: 3 }),
    ]);

    const lease = await client.request<{ lease: unknown; thisReplica: unknown }>(
      'GET',
      '/api/execution/lease',
    );
    expect(lease.body).toEqual({ lease: null, thisReplica: null });

    const refused = await client.request('POST', '/api/execution/runs', {
      projectId,
      tradingDate: '2026-11-24',
      weights: { AAPL: 0.1 },
    });
    expect(refused.status).toBe(409);
    const bad = await client.request<{ fields: Array<{ field: string }> }>('POST', '/api/execution/runs', {
      projectId,
      tradingDate: '24.11.2026',
      weights: { AAPL: 0.1 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/tradingDate/);
    expect((await client.request('GET', '/api/execution/runs/999')).status).toBe(404);
    for (const path of ['orders', 'fills', 'progress']) {
      expect((await client.request('GET', `/api/execution/runs/${run.id}/${path}`)).status).toBe(200);
    }
    // Account ids leave the server masked, wherever they appear.
    const seen = client.transcript.join('\n');
    expect(seen).toContain('DU****67');
    expect(seen).not.toContain('DU1234567');
  });
});
