import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { createIbRuntime, type IbRuntime, runBackfill } from '../../src/marketdata/index.js';
import { IB_HISTORICAL_PACING } from '../../src/marketdata/pacing.js';
import type { Api } from '../../src/server/api-types.js';
import { registerIbRoutes } from '../../src/server/routes/ib.js';
import { type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';

function apiWith(deps: Parameters<typeof registerIbRoutes>[1]): Api {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerIbRoutes(app, deps);
  return app;
}

describe('IB runtime and /api/ib routes against the built-in gateway', () => {
  let h: Harness;
  let dir: string;
  let ctx: AppContext;
  let runtime: IbRuntime;
  let api: Api;
  const events: Array<{ name: string; data: unknown }> = [];

  beforeAll(async () => {
    h = await startHarness();
    dir = mkdtempSync(path.join(tmpdir(), 'ibloop-rt-'));
    const bootstrap = loadBootstrapConfig({ env: { LOG_LEVEL: 'silent' }, overrides: { DATA_ROOT: dir } });
    ctx = await openAppContext(bootstrap, { clock: h.clock });
    runtime = createIbRuntime({
      ctx,
      hub: { publish: (name, data) => events.push({ name, data }) },
      settings: {
        host: '127.0.0.1',
        port: h.sim.port,
        clientId: 1,
        mode: 'paper',
        account: 'DU1234567',
        builtInGateway: true,
        heartbeatMs: 200,
        heartbeatTimeoutMs: 300,
        backoff: { initialMs: 50, maxMs: 200, factor: 2 },
      },
    });
    api = apiWith({ ctx, ib: runtime });
    await waitFor('connected', () => runtime.status().status === 'CONNECTED');
  });

  afterAll(async () => {
    await runtime.close();
    await ctx.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /api/ib/status reports the connection with the account masked', async () => {
    await waitFor('heartbeat', () => runtime.status().lastHeartbeatMs !== null);
    const response = await api.inject({ method: 'GET', url: '/api/ib/status' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      source: 'ib',
      status: 'CONNECTED',
      mode: 'paper',
      account: 'DU****67',
      accounts: ['DU****67'],
      modeCheck: { ok: true },
      reconnectCount: 0,
      builtInGateway: true,
      tradable: true,
      clientId: 1,
    });
    expect(body.serverVersion).toBeGreaterThanOrEqual(176);
    expect(response.body).not.toContain('DU1234567');
    expect(events.some((e) => e.name === 'ib.status')).toBe(true);
    await runtime.recorder.flush();
    const row = await ctx.store.db.selectFrom('ib_connection_state').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('CONNECTED');
  });

  it('POST /api/ib/test-connection checks settings with its own client id', async () => {
    const ok = await api.inject({
      method: 'POST',
      url: '/api/ib/test-connection',
      payload: { host: '127.0.0.1', port: h.sim.port, clientId: 555 },
    });
    expect(ok.json()).toMatchObject({
      ok: true,
      accounts: ['DU****67'],
      error: null,
      modeCheck: { ok: true },
    });
    expect(ok.json().serverVersion).toBeGreaterThanOrEqual(176);
    const live = await api.inject({
      method: 'POST',
      url: '/api/ib/test-connection',
      payload: { host: '127.0.0.1', port: h.sim.port, clientId: 556, mode: 'live' },
    });
    expect(live.json()).toMatchObject({ ok: false, error: expect.stringMatching(/mode is live/) });
    const nobody = await api.inject({
      method: 'POST',
      url: '/api/ib/test-connection',
      payload: { host: '127.0.0.1', port: 1, clientId: 557 },
    });
    expect(nobody.json()).toMatchObject({ ok: false, error: expect.stringMatching(/could not connect/) });
    const bad = await api.inject({ method: 'POST', url: '/api/ib/test-connection', payload: { port: 'x' } });
    expect(bad.statusCode).toBe(400);
    // The trading session was not disturbed.
    expect(runtime.status()).toMatchObject({ status: 'CONNECTED', reconnectCount: 0 });
  });

  it('contracts: report, refresh, report again', async () => {
    const before = await api.inject({ method: 'GET', url: '/api/ib/contracts?symbols=AAPL,ZZZZQ' });
    expect(before.json()).toMatchObject({ total: 2, missing: 2 });
    const refreshed = await api.inject({
      method: 'POST',
      url: '/api/ib/contracts/refresh?wait=true',
      payload: { symbols: 'AAPL,ZZZZQ' },
    });
    expect(refreshed.json()).toMatchObject({ source: 'ib', resolved: 1, unresolved: 1 });
    const after = await api.inject({ method: 'GET', url: '/api/ib/contracts?symbols=AAPL' });
    expect(after.json().entries[0]).toMatchObject({ symbol: 'AAPL', status: 'resolved', conId: 265598 });
  });

  it('quotes: snapshot over REST and ib.quote events', async () => {
    runtime.quotes.setUniverse(['AAPL', 'MSFT']);
    await waitFor('quotes', () => runtime.quotes.snapshot().every((q) => q.last !== null));
    const response = await api.inject({ method: 'GET', url: '/api/ib/quotes' });
    const body = response.json() as { quotes: Array<{ symbol: string; status: string; source: string }> };
    expect(body.quotes.map((q) => [q.symbol, q.status, q.source])).toEqual([
      ['AAPL', 'subscribed', 'ib'],
      ['MSFT', 'subscribed', 'ib'],
    ]);
    expect(events.filter((e) => e.name === 'ib.quote').length).toBeGreaterThanOrEqual(2);
  });

  it('bar audit over the stored bars', async () => {
    await runBackfill(
      {
        brokerage: runtime.brokerage,
        store: runtime.bars,
        contract: (s) => runtime.contracts.require(s),
        clock: h.clock,
        wallClock: h.clock,
        pacing: IB_HISTORICAL_PACING,
        pacingBackoffMs: 100,
        maxRetries: 2,
      },
      ['AAPL'],
      '1 day',
      '2026-01-02',
      '2026-11-20',
    );
    const response = await api.inject({
      method: 'GET',
      url: '/api/ib/bars/audit?symbols=AAPL&barSize=1d&from=2026-01-02&to=2026-11-20',
    });
    expect(response.statusCode).toBe(200);
    const [audit] = response.json().audits;
    expect(audit).toMatchObject({ symbol: 'AAPL', completeness: 1, gaps: [] });
    expect(audit.expectedSessions).toBeGreaterThan(200);
  });

  it('answers 503 without a runtime', async () => {
    const bare = apiWith({ ctx });
    for (const url of ['/api/ib/status', '/api/ib/quotes', '/api/ib/contracts?symbols=AAPL']) {
      const response = await bare.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.message).toMatch(/IB runtime is not running/);
    }
  });
});
