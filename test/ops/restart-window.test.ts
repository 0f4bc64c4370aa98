import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type IbConnectionAlerts, listAlerts, watchIbConnection } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { restartWindows, restartWindowsFromSettings } from '../../src/ops/index.js';
import { alertContext } from '../alerts/context.js';
import { delay, type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

/** Wednesday 2 Dec 2026, 23:50 in New York (EST, UTC-5): inside a 23:45 restart window. */
const IN_DAILY = Date.UTC(2026, 11, 3, 4, 50);
/** Sunday 6 Dec 2026, 01:10 in New York: inside the weekly re-login window. */
const IN_WEEKLY = Date.UTC(2026, 11, 6, 6, 10);
/** Wednesday 2 Dec 2026, 14:00 in New York. */
const OUTSIDE = Date.UTC(2026, 11, 2, 19, 0);

describe('restart windows', () => {
  const windows = restartWindows({
    timeZone: 'America/New_York',
    dailyRestart: '23:45',
    weeklyRelogin: 'sun 01:00',
    windowMinutes: 15,
    loginAfterMinutes: 10,
  });

  it('finds the daily restart and the weekly re-login on the New York wall clock, across midnight', () => {
    expect(windows.windowAt(IN_DAILY)).toEqual({
      kind: 'daily-restart',
      startMs: Date.UTC(2026, 11, 3, 4, 45),
      endMs: Date.UTC(2026, 11, 3, 5, 0),
    });
    expect(windows.windowAt(Date.UTC(2026, 11, 3, 4, 59, 59))?.kind).toBe('daily-restart');
    expect(windows.windowAt(Date.UTC(2026, 11, 3, 5, 0))).toBeNull();
    expect(windows.windowAt(IN_WEEKLY)).toMatchObject({
      kind: 'weekly-relogin',
      endMs: Date.UTC(2026, 11, 6, 6, 15),
    });
    expect(windows.windowAt(OUTSIDE)).toBeNull();
    // Summer time: 23:45 EDT is 03:45 UTC.
    expect(windows.windowAt(Date.UTC(2026, 6, 1, 3, 50))?.kind).toBe('daily-restart');
    expect(windows.windowAt(Date.UTC(2026, 6, 1, 4, 50))).toBeNull();
  });

  it('"off" turns a window off', () => {
    const none = restartWindows({
      timeZone: 'America/New_York',
      dailyRestart: 'off',
      weeklyRelogin: 'off',
      windowMinutes: 15,
      loginAfterMinutes: 10,
    });
    expect(none.windowAt(IN_DAILY)).toBeNull();
    expect(none.windowAt(IN_WEEKLY)).toBeNull();
  });
});

/** The IB connection alerts gated by the restart windows, against the paper gateway over TCP. */
describe.each(ENGINES)('restart windows against the paper gateway on %s', (engine) => {
  let h: Harness;
  let target: EngineTarget;
  let ctx: AppContext;
  let broker: IbBrokerage;
  let watcher: IbConnectionAlerts;
  const clock = new ManualClock(OUTSIDE);

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

  async function connect() {
    target = await freshTarget(engine);
    ctx = await alertContext(
      target,
      {
        ALERT_IB_GRACE_SECONDS: '0.5',
        ALERT_IB_STABLE_SECONDS: '0.5',
        ALERT_IB_LOGIN_SECONDS: '3600',
        GATEWAY_DAILY_RESTART: '23:45',
        GATEWAY_WEEKLY_RELOGIN: 'Sun 01:00',
        GATEWAY_WINDOW_MINUTES: '15',
        GATEWAY_LOGIN_ALERT_MINUTES: '10',
      },
      clock,
    );
    const windows = restartWindowsFromSettings(await ctx.settings.resolve());
    broker = h.brokerage();
    watcher = await watchIbConnection(
      ctx,
      broker.connection,
      { host: '127.0.0.1', port: h.sim.port },
      windows,
    );
    await broker.connection.start();
  }

  const connected = () => broker.connection.state().status === 'CONNECTED';
  const kinds = async () =>
    (await listAlerts(ctx.store.db, { limit: 100, offset: 0 })).items.reverse().map((a) => a.kind);

  it('a disconnect inside the daily window pages nobody; the same disconnect outside it does', async () => {
    clock.set(IN_DAILY);
    await connect();
    await h.sim.faults.refuse(1.5);
    await waitFor('down', () => !connected());
    await delay(1_000);
    expect(watcher.expectedOutage()).toBe(true);
    await waitFor('back', connected, 10_000);
    await delay(1_000);
    await watcher.idle();
    expect(await kinds()).toEqual([]);

    clock.set(OUTSIDE);
    await h.sim.faults.refuse(1.5);
    await waitFor('down', () => !connected());
    await waitFor('back', connected, 10_000);
    await delay(1_000);
    await watcher.idle();
    expect(await kinds()).toEqual(['ib.disconnected', 'ib.reconnected']);
  });

  it('a gateway still down 10 minutes after the weekly window raises "gateway needs a login"', async () => {
    clock.set(IN_WEEKLY);
    await connect();
    await h.sim.faults.refuse(6);
    await waitFor('down', () => !connected());
    // Through the window's end (01:15) and into the 10 minutes after it: still quiet.
    clock.set(Date.UTC(2026, 11, 6, 6, 20));
    await delay(1_500);
    await watcher.idle();
    expect(await kinds()).toEqual([]);
    clock.set(Date.UTC(2026, 11, 6, 6, 25, 30));
    for (let i = 0; i < 50 && !(await kinds()).includes('gateway.login-needed'); i += 1) await delay(100);
    const [login] = (await listAlerts(ctx.store.db, { limit: 10, offset: 0 })).items;
    expect(login).toMatchObject({ kind: 'gateway.login-needed', severity: 'critical', open: true });
    expect(login!.params).toMatchObject({ downSeconds: 15.5 * 60 });

    await waitFor('back', connected, 15_000);
    await delay(1_000);
    await watcher.idle();
    expect(await kinds()).toEqual(['gateway.login-needed', 'ib.reconnected']);
  });
});
