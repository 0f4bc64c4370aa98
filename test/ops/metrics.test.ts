import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueAlert } from '../../src/alerts/index.js';
import type { DoctorReport } from '../../src/contract/ops.js';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

/** Prometheus metrics and the doctor route of a running server with the built-in paper gateway. */
describe.each(ENGINES)('ops routes on %s', (engine) => {
  let t: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    t = await startTestApp(engine, {
      env: { METRICS_PORT: '0' },
      trading: { enabled: true, builtInGateway: 'auto' },
    });
    api = new ApiClient(t.app.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('serves metrics to a session and on the loopback port, never to an anonymous API caller', async () => {
    const anonymous = await fetch(`${t.app.url}/api/metrics`);
    expect(anonymous.status).toBe(401);
    await api.login();
    await pollUntil(
      async () => t.app.trading.ib?.brokerage.connection.state().status,
      (s) => s === 'CONNECTED',
      30_000,
    );
    await pollUntil(
      async () => t.app.trading.execution?.lease.isHeld(),
      (held) => held === true,
      30_000,
    );
    await enqueueAlert(t.app.ctx, {
      kind: 'test.message',
      dedupeKey: 'metrics-test',
      params: { actor: 'test' },
    });
    const res = await api.request<string>('GET', '/api/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = res.text;
    expect(value(text, 'ibloop_ib_connection_state{state="CONNECTED"}')).toBe(1);
    expect(value(text, 'ibloop_ib_connection_state{state="DISCONNECTED"}')).toBe(0);
    expect(value(text, 'ibloop_ib_reconnects_total')).toBe(0);
    expect(value(text, 'ibloop_lease_held')).toBe(1);
    expect(text).toMatch(/^ibloop_lease_holder\{holder="[^"]+",token="\d+"\} 1$/m);
    expect(value(text, 'ibloop_alert_queue_depth')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'ibloop_trading_state{scope="account",state="ACTIVE"}')).toBe(1);
    expect(text).toContain('# TYPE ibloop_orders gauge');
    expect(text).toContain('# TYPE ibloop_fill_latency_seconds histogram');
    expect(value(text, 'ibloop_fill_latency_seconds_count')).toBe(0);

    expect(t.app.metricsPort).toBeGreaterThan(0);
    const loopback = await fetch(`http://127.0.0.1:${t.app.metricsPort}/metrics`);
    expect(loopback.status).toBe(200);
    expect(value(await loopback.text(), 'ibloop_lease_held')).toBe(1);
    expect((await fetch(`http://127.0.0.1:${t.app.metricsPort}/other`)).status).toBe(404);
  });

  it('runs the doctor as a route, with codes and parameters', async () => {
    const anonymous = await fetch(`${t.app.url}/api/ops/doctor`);
    expect(anonymous.status).toBe(401);
    const res = await api.request<DoctorReport>('GET', '/api/ops/doctor');
    expect(res.status).toBe(200);
    const checks = Object.fromEntries(res.body.checks.map((c) => [c.id, c]));
    expect(checks['gateway.reachable']).toMatchObject({ status: 'pass', code: 'GATEWAY_REACHABLE' });
    // The server's own session holds the trading client id.
    expect(checks['gateway.client_id']).toMatchObject({ status: 'pass', code: 'CLIENT_ID_OURS' });
    expect(checks['gateway.account_mode']).toMatchObject({ status: 'pass', params: { account: 'DU****67' } });
    expect(checks['database.migrations']).toMatchObject({ status: 'pass', code: 'MIGRATIONS_CURRENT' });
  });
});
