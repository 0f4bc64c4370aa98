import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { brokerageFor, OPEN_MS, startSim } from '../execution/sim-env.js';

/**
 * The paper gateway's price-shock fault: the market model moves from the shock on, and the PnL the
 * adapter reads over TCP (reqPnL, account updates) follows; the control API names a bad field.
 */
describe('paper gateway price shock', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('moves quotes, account updates and reqPnL by the shock; one symbol or all; reset takes it back', async () => {
    const { sim, simClock } = await startSim({ startMs: OPEN_MS, controlPort: 0 });
    cleanups.push(() => sim.close());
    const clock = new ManualClock(simClock.nowMs());
    const broker = brokerageFor(sim, 9, clock);
    cleanups.push(() => broker.connection.stop());
    await broker.connection.start();

    const account = sim.gateway.broker.account;
    const aapl = sim.gateway.market.instrument('AAPL');
    if (!aapl) throw new Error('no AAPL');
    const now = simClock.nowMs();
    const before = sim.gateway.market.quoteAt('AAPL', now);
    const msftBefore = sim.gateway.market.quoteAt('MSFT', now);
    account.values(now);
    account.applyFill(aapl, 'BUY', 100, before?.last ?? 0, 0);
    const pnlBefore = (await broker.account.pnl?.())?.dailyPnl ?? Number.NaN;

    await sim.faults.shock('AAPL', -8);
    const after = sim.gateway.market.quoteAt('AAPL', now);
    expect(after?.last).toBeCloseTo((before?.last ?? 0) * 0.92, 1);
    expect(after?.close).toBe(before?.close);
    expect(sim.gateway.market.quoteAt('MSFT', now)?.last).toBe(msftBefore?.last);
    const pnl = (await broker.account.pnl?.())?.dailyPnl ?? Number.NaN;
    expect(pnl - pnlBefore).toBeCloseTo(100 * ((after?.last ?? 0) - (before?.last ?? 0)), 0);
    const portfolio = await broker.account.portfolio?.();
    expect(portfolio?.find((p) => p.symbol === 'AAPL')?.marketPrice).toBeCloseTo(after?.last ?? 0, 2);

    await sim.faults.shock(null, 10);
    expect(sim.gateway.market.quoteAt('MSFT', now)?.last).toBeCloseTo((msftBefore?.last ?? 0) * 1.1, 1);
    await sim.faults.apply('shock', { reset: true });
    expect(sim.gateway.market.quoteAt('AAPL', now)?.last).toBe(before?.last);
  });

  it('the control API refuses a bad shock naming the field, and changes nothing', async () => {
    const { sim, simClock } = await startSim({ startMs: OPEN_MS, controlPort: 0 });
    cleanups.push(() => sim.close());
    const post = async (body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${sim.controlPort}/faults/shock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { field?: string } };
    };
    expect(await post({ pct: -8 })).toMatchObject({ status: 400, body: { field: 'symbol' } });
    expect(await post({ symbol: 'AAPL', all: true, pct: -8 })).toMatchObject({
      status: 400,
      body: { field: 'symbol' },
    });
    expect(await post({ symbol: 'NOPE', pct: -8 })).toMatchObject({ status: 400, body: { field: 'symbol' } });
    expect(await post({ all: true, pct: -100 })).toMatchObject({ status: 400, body: { field: 'pct' } });
    expect(await post({ all: true })).toMatchObject({ status: 400, body: { field: 'pct' } });
    expect(sim.gateway.market.list()).toEqual([]);
    const ok = await post({ all: true, pct: -8 });
    expect(ok.status).toBe(200);
    expect(sim.gateway.market.list()).toEqual([{ symbol: null, factor: 0.92, atMs: simClock.nowMs() }]);
  });
});
