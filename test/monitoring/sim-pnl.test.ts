import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { brokerageFor, OPEN_MS, startSim } from '../execution/sim-env.js';

const DAY_MS = 86_400_000;

/**
 * The paper gateway's PnL reports agree with its fills and marks: reqPnL's daily PnL is the sum of
 * reqPnLSingle's, shares bought today count from their fill price, shares held overnight from the
 * previous close.
 */
describe('paper gateway PnL reports', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("daily PnL follows the day's fills and the previous close, and sums over positions", async () => {
    const { sim, simClock } = await startSim({ startMs: OPEN_MS });
    cleanups.push(() => sim.close());
    const clock = new ManualClock(simClock.nowMs());
    simClock.onChange((now) => clock.set(now));
    const broker = brokerageFor(sim, 9, clock);
    cleanups.push(() => broker.connection.stop());
    await broker.connection.start();

    const account = sim.gateway.broker.account;
    const market = sim.gateway.market;
    const aapl = market.instrument('AAPL');
    const msft = market.instrument('MSFT');
    if (!aapl || !msft) throw new Error('no instruments');
    const now = simClock.nowMs();
    account.values(now);
    account.applyFill(aapl, 'BUY', 10, 100, 1);
    account.applyFill(msft, 'BUY', 5, 200, 1);
    account.applyFill(msft, 'SELL', 2, 210, 1);
    const markA = account.markPrice(aapl, now, 0);
    const markM = account.markPrice(msft, now, 0);
    const expectedToday = 10 * markA - 1_001 + (3 * markM - (1_001 - 419));
    expect(account.values(now).dailyPnl).toBeCloseTo(expectedToday, 6);

    const pnl = await broker.account.pnl?.();
    expect(pnl?.dailyPnl).toBeCloseTo(expectedToday, 1);
    const portfolio = (await broker.account.portfolio?.()) ?? [];
    expect(portfolio.map((p) => [p.symbol, p.quantity])).toEqual([
      ['AAPL', 10],
      ['MSFT', 3],
    ]);
    const summary = await broker.account.summary();
    const values = account.values(now);
    expect(summary.netLiquidation).toBeCloseTo(values.netLiquidation, 2);
    expect(summary.initMarginReq).toBeCloseTo(values.initMarginReq, 2);
    expect(summary.maintMarginReq).toBeCloseTo(values.maintMarginReq, 2);

    // Next trading day: what was held counts from the previous close.
    simClock.advance(DAY_MS);
    const later = simClock.nowMs();
    const closeA = market.quoteAt('AAPL', later)?.close ?? Number.NaN;
    const closeM = market.quoteAt('MSFT', later)?.close ?? Number.NaN;
    const nextDay =
      10 * (account.markPrice(aapl, later, 0) - closeA) + 3 * (account.markPrice(msft, later, 0) - closeM);
    expect(account.values(later).dailyPnl).toBeCloseTo(nextDay, 6);
    const singles = [...account.positions.values()].reduce((s, p) => s + account.dailyPnlOf(p, later), 0);
    expect(singles).toBeCloseTo(nextDay, 6);
  });
});
