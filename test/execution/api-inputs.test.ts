import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimGatewayHandle } from '../../src/sim/index.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { addProject } from './projects.js';
import { startSim } from './sim-env.js';

const ACCOUNT = 'DU1234567';
const DATE = '2026-11-24';

/** A trading server on an external gateway (the paper gateway in this process, whose order log we read). */
describe.each(ENGINES)('POST /api/execution/runs on %s', (engineName) => {
  let sim: SimGatewayHandle;
  let t: TestApp;
  let api: ApiClient;
  let projectId: number;

  beforeAll(async () => {
    sim = (await startSim()).sim;
    t = await startTestApp(engineName, {
      trading: { enabled: true, builtInGateway: 'off' },
      env: { IB_HOST: '127.0.0.1', IB_PORT: String(sim.port), IB_ACCOUNT: ACCOUNT, IB_CLIENT_ID: '1' },
    });
    api = new ApiClient(t.app.url);
    await api.login();
    projectId = await addProject(t.app.ctx.store.db, 'demo');
    await pollUntil(
      async () =>
        (
          await api.request<{ thisReplica: { readiness: { ready: boolean } } | null }>(
            'GET',
            '/api/execution/lease',
          )
        ).body.thisReplica?.readiness.ready ?? false,
      (ready) => ready,
      30_000,
    );
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it.each([
    ['an unknown project id', { projectId: 9999 }, 'projectId'],
    ['a project named instead of its id', { projectId: undefined, project: 'demo' }, 'projectId'],
    ['an impossible date', { tradingDate: '2026-13-45' }, 'tradingDate'],
    ['a Saturday', { tradingDate: '2026-11-28' }, 'tradingDate'],
    ['a holiday', { tradingDate: '2026-11-26' }, 'tradingDate'],
    ['a mode in the request', { mode: 'live' }, 'mode'],
    ['a mode in the request, even the configured one', { mode: 'paper' }, 'mode'],
    ['negative zero', { weights: '{"AAPL": -0, "MSFT": 0.1}' }, 'weights.AAPL'],
  ])('refuses %s with 400 naming the field; nothing stored, nothing sent', async (_name, change, field) => {
    // As written on the wire: JSON.stringify would turn -0 into 0.
    const { weights, ...rest } = { weights: '{"AAPL": 0.05}', ...change };
    const body = JSON.stringify({ projectId, tradingDate: DATE, ...rest }).replace(
      /}$/,
      `,"weights":${weights}}`,
    );
    const response = await api.request('POST', '/api/execution/runs', undefined, { rawBody: body });
    expect(response.status, response.text).toBe(400);
    expect(response.text).toContain(`"field":"${field}"`);
    expect(await t.app.ctx.store.db.selectFrom('trade_runs').selectAll().execute()).toEqual([]);
    expect(sim.orderLog()).toEqual([]);
  });

  it('runs a good request, and no execution view shows the account in clear', async () => {
    const started = await api.request<{ run: { id: number; projectId: number; mode: string }; sent: number }>(
      'POST',
      '/api/execution/runs',
      { projectId, tradingDate: DATE, weights: { AAPL: 0.05, MSFT: 0.05 } },
    );
    expect(started.status, started.text).toBe(201);
    expect(started.body.run).toMatchObject({ projectId, mode: 'paper' });
    // The adapter paces what it sends: the orders reach the gateway a moment after the answer.
    await pollUntil(
      async () => sim.orderLog().length,
      (n) => n === 2,
    );
    const runId = started.body.run.id;
    const detail = await pollUntil(
      async () =>
        (
          await api.request<{ orders: Array<{ account: string; status: string }> }>(
            'GET',
            `/api/execution/runs/${runId}`,
          )
        ).body,
      (d) => d.orders.length === 2 && d.orders.every((o) => o.status === 'FILLED'),
    );
    expect(detail.orders.map((o) => o.account)).toEqual(['DU****67', 'DU****67']);
    for (const path of ['orders', 'fills', 'progress']) {
      expect((await api.request('GET', `/api/execution/runs/${runId}/${path}`)).status).toBe(200);
    }
    await api.request('GET', '/api/execution/runs');
    await api.request('GET', '/api/execution/lease');
    await api.request('GET', '/api/execution/reconciliations');
    const seen = api.transcript.join('\n');
    expect(seen).toContain('DU****67');
    expect(seen).not.toContain(ACCOUNT);
  });
});
