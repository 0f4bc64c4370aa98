import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { AccountMonitor, type AccountView, SnapshotStore } from '../../src/monitoring/index.js';
import { brokerageFor, OPEN_MS, startSim } from '../execution/sim-env.js';
import { ENGINES, freshStore } from '../helpers/engines.js';

const MINUTE = 60_000;
/** 2026-11-24 16:00 New York, the session's close. */
const CLOSE_MS = Date.UTC(2026, 10, 24, 21, 0, 0);

describe.each(ENGINES)('account snapshots, %s', (engine) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('are taken every few minutes while connected and once at the close; the latest is served back', async () => {
    const { sim, simClock } = await startSim({ startMs: OPEN_MS });
    cleanups.push(() => sim.close());
    const { store, target } = await freshStore(engine);
    cleanups.push(async () => {
      await store.close();
      target.cleanup();
    });
    const clock = new ManualClock(simClock.nowMs());
    simClock.onChange((now) => clock.set(now));
    const broker = brokerageFor(sim, 7, clock);
    cleanups.push(() => broker.connection.stop());
    const snapshots = new SnapshotStore(store.db);
    const published: AccountView[] = [];
    const monitor = new AccountMonitor({
      clock,
      snapshots,
      broker: () => broker,
      sectors: async () => new Map([['AAPL', 'Information Technology']]),
      snapshotMinutes: async () => 5,
      publish: (_name, data) => published.push(data as AccountView),
    });
    cleanups.push(() => monitor.stop());

    // Not connected: nothing read, nothing stored, nothing to serve.
    expect(await monitor.refresh()).toBeUndefined();
    expect(await monitor.view()).toBeNull();

    await broker.connection.start();
    const reasons = async () =>
      (await store.db.selectFrom('account_snapshots').select('reason').orderBy('id').execute()).map(
        (r) => r.reason,
      );
    const at = async (ms: number) => {
      simClock.advance(ms - simClock.nowMs());
      await monitor.refresh();
    };
    await at(OPEN_MS);
    expect(await reasons()).toEqual(['interval']);
    await at(OPEN_MS + 2 * MINUTE);
    expect(await reasons()).toEqual(['interval']);
    await at(OPEN_MS + 5 * MINUTE);
    expect(await reasons()).toEqual(['interval', 'interval']);
    // A fill changes the holdings: stored at the next reading, whatever the interval.
    const aapl = sim.gateway.market.instrument('AAPL');
    if (!aapl) throw new Error('no AAPL');
    sim.gateway.broker.account.applyFill(aapl, 'BUY', 10, 100, 1);
    await at(OPEN_MS + 6 * MINUTE);
    expect(await reasons()).toEqual(['interval', 'interval', 'positions']);
    await at(CLOSE_MS + 30_000);
    expect(await reasons()).toEqual(['interval', 'interval', 'positions', 'close']);
    await at(CLOSE_MS + 2 * MINUTE);
    expect(await reasons()).toEqual(['interval', 'interval', 'positions', 'close']);
    expect(published).toHaveLength(6);
    expect(monitor.live()?.source).toBe('live');

    // A restarted monitor picks up the cadence from the stored snapshots instead of storing at once.
    const again = new AccountMonitor({
      clock,
      snapshots,
      broker: () => broker,
      sectors: async () => new Map(),
      snapshotMinutes: async () => 5,
    });
    cleanups.push(() => again.stop());
    await again.refresh();
    expect(await reasons()).toHaveLength(4);

    await broker.connection.stop();
    const stored = await monitor.view();
    expect(stored?.source).toBe('snapshot');
    expect(stored?.time).toBe(new Date(CLOSE_MS + 30_000).toISOString());
    expect(stored?.figures.netLiquidation).toBeCloseTo(
      sim.gateway.broker.account.values(CLOSE_MS).netLiquidation,
      2,
    );

    const history = await snapshots.history('ALL', CLOSE_MS + 2 * MINUTE);
    expect(history.equity).toHaveLength(4);
    expect(history.exposure.at(-1)?.weights['Information Technology']).toBeGreaterThan(0);
    expect(history.dailyPnl).toEqual([{ day: '2026-11-24', pnl: expect.any(Number) }]);
    expect((await snapshots.history('1W', CLOSE_MS + 30 * 24 * 60 * MINUTE)).equity).toHaveLength(0);
  });
});
