import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  enqueueAlert,
  type IbConnectionAlerts,
  listAlerts,
  watchIbConnection,
} from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import { delay, type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { alertContext } from './context.js';

/** The IB connection alerts against the built-in paper gateway's fault injection, over TCP. */
describe.each(ENGINES)('IB connection alerts on %s', (engine) => {
  let h: Harness;
  let target: EngineTarget;
  let ctx: AppContext;
  let broker: IbBrokerage;
  let watcher: IbConnectionAlerts;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    watcher?.close();
    await broker?.connection.stop();
    await h.sim.faults.clear();
    await ctx?.close();
    target?.cleanup();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function connect(graceSeconds: number, stableSeconds: number) {
    target = await freshTarget(engine);
    ctx = await alertContext(target, {
      ALERT_IB_GRACE_SECONDS: String(graceSeconds),
      ALERT_IB_STABLE_SECONDS: String(stableSeconds),
      ALERT_IB_LOGIN_SECONDS: '3600',
    });
    broker = h.brokerage();
    watcher = await watchIbConnection(ctx, broker.connection, { host: '127.0.0.1', port: h.sim.port });
    await broker.connection.start();
  }

  const connected = () => broker.connection.state().status === 'CONNECTED';
  const rows = async () => (await listAlerts(ctx.store.db, { limit: 100, offset: 0 })).items.reverse();

  it('a drop shorter than the grace period pages nobody; a longer one pages once, then one recovery', async () => {
    await connect(1, 1);
    await h.sim.faults.dropAll();
    await waitFor('reconnect', () => broker.connection.state().reconnectCount === 1 && connected());
    await delay(1_500);
    await watcher.idle();
    expect(await rows()).toEqual([]);

    await h.sim.faults.refuse(2.5);
    await waitFor('down', () => !connected());
    await waitFor('back', connected, 10_000);
    await delay(1_500);
    await watcher.idle();
    const alerts = await rows();
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['ib.disconnected', 'critical'],
      ['ib.reconnected', 'critical'],
    ]);
    expect(alerts[0]).toMatchObject({ occurrences: 1, open: false, status: 'pending' });
    expect(alerts[0]!.text).toContain('IB 连接已断开');
    expect(alerts[1]!.params).toMatchObject({ disconnects: 1 });
  });

  it('a connection flapping 20 times pages once, with the count, and recovers once', async () => {
    await connect(0.5, 4);
    await h.sim.faults.refuse(1);
    await waitFor('down', () => !connected());
    await waitFor('back', connected, 10_000);
    for (let i = 1; i < 20; i += 1) {
      const before = broker.connection.state().reconnectCount;
      await h.sim.faults.dropAll();
      await waitFor(
        `flap ${i}`,
        () => broker.connection.state().reconnectCount > before && connected(),
        10_000,
      );
    }
    await delay(4_500);
    await watcher.idle();
    const alerts = await rows();
    expect(alerts.map((a) => a.kind)).toEqual(['ib.disconnected', 'ib.reconnected']);
    expect(alerts[0]!.occurrences).toBe(20);
    expect(alerts[1]!.params).toMatchObject({ disconnects: 20 });
  });

  it('an outage left open by a restart is recovered by the next process once it connects', async () => {
    target = await freshTarget(engine);
    ctx = await alertContext(target, { ALERT_IB_GRACE_SECONDS: '1', ALERT_IB_STABLE_SECONDS: '0.5' });
    for (let i = 0; i < 2; i += 1)
      await enqueueAlert(ctx, {
        kind: 'ib.disconnected',
        dedupeKey: 'ib.connection',
        params: { host: '127.0.0.1', port: h.sim.port, reason: 'socket closed', downSeconds: 200 },
      });
    broker = h.brokerage();
    watcher = await watchIbConnection(ctx, broker.connection, { host: '127.0.0.1', port: h.sim.port });
    await watcher.idle();
    await broker.connection.start();
    await delay(1_200);
    await watcher.idle();
    const alerts = await rows();
    expect(alerts.map((a) => [a.kind, a.open])).toEqual([
      ['ib.disconnected', false],
      ['ib.reconnected', false],
    ]);
    expect(alerts[1]!.params).toMatchObject({ disconnects: 2 });
  });
});
