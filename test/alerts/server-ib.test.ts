import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '../../src/alerts/index.js';
import { delay, type Harness, startHarness } from '../brokerage/sim-harness.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ENGINES } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * The whole server path: the trading supervisor connects to the paper gateway, the gateway refuses
 * connections for longer than the grace period, and the outbox gets one critical alert and one recovery.
 */
describe.each(ENGINES)('IB disconnect alerts from a running server on %s', (engine) => {
  let h: Harness;
  let t: TestApp;

  beforeAll(async () => {
    h = await startHarness();
    t = await startTestApp(engine, {
      env: {
        IB_PORT: String(h.sim.port),
        ALERT_IB_GRACE_SECONDS: '1',
        ALERT_IB_STABLE_SECONDS: '1',
        // Wall-clock test: a run at the gateway's restart time must alert all the same.
        GATEWAY_DAILY_RESTART: 'off',
        GATEWAY_WEEKLY_RELOGIN: 'off',
      },
      trading: { enabled: true, builtInGateway: 'off' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await h?.close();
  });

  it('a disconnect longer than the grace period: exactly one critical alert and one recovery', async () => {
    const status = () => t.app.trading.ib?.brokerage.connection.state().status;
    await pollUntil(
      async () => status(),
      (s) => s === 'CONNECTED' || s === 'DEGRADED',
      30_000,
    );
    await h.sim.faults.refuse(3);
    await pollUntil(
      async () => status(),
      (s) => s !== 'CONNECTED' && s !== 'DEGRADED',
      10_000,
    );
    await pollUntil(
      async () => status(),
      (s) => s === 'CONNECTED' || s === 'DEGRADED',
      20_000,
    );
    const kinds = async () =>
      (await listAlerts(t.app.ctx.store.db, { limit: 10, offset: 0 })).items.reverse().map((a) => a.kind);
    await pollUntil(kinds, (k) => k.includes('ib.reconnected'), 10_000);
    await delay(1_500);
    const { items } = await listAlerts(t.app.ctx.store.db, { limit: 10, offset: 0 });
    expect(items.reverse().map((a) => [a.kind, a.severity, a.occurrences])).toEqual([
      ['ib.disconnected', 'critical', 1],
      ['ib.reconnected', 'critical', 1],
    ]);
  });
});
