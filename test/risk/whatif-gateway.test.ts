import { afterEach, describe, expect, it } from 'vitest';
import { BrokerRequestError } from '../../src/brokerage/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { brokerageFor, startSim, TRADING_CLIENT_ID } from '../execution/sim-env.js';

describe('what-if orders against the paper gateway over TCP', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('answers with margin before and after, creates no order, and refuses a bad one with its error', async () => {
    const { sim, simClock, symbols } = await startSim();
    cleanups.push(() => sim.close());
    const simTime = new ManualClock(simClock.nowMs());
    const brokerage = brokerageFor(sim, TRADING_CLIENT_ID, simTime);
    cleanups.push(() => brokerage.connection.stop());
    await brokerage.connection.start();
    const symbol = symbols[0] as string;
    const [contract] = await brokerage.contracts.resolve({ symbol });
    if (!contract || !brokerage.orders.whatIf) throw new Error('no contract or no what-if');
    const summary = await brokerage.account.summary();
    const order = {
      orderId: brokerage.orders.nextOrderId(),
      orderRef: '',
      contract,
      side: 'BUY' as const,
      quantity: 100,
      type: 'MKT' as const,
      tif: 'DAY' as const,
      account: '',
    };
    const answer = await brokerage.orders.whatIf(order);
    expect(answer.initMarginBefore).toBe(0);
    expect(answer.equityWithLoanBefore).toBeCloseTo(summary.netLiquidation, 0);
    expect(answer.initMarginAfter).toBeGreaterThan(0);
    expect(answer.initMarginChange).toBeCloseTo(answer.initMarginAfter ?? 0, 1);
    expect(answer.equityWithLoanAfter).toBeCloseTo(summary.netLiquidation, 0);
    // Nothing was placed: no order in the gateway's log, none open.
    expect(sim.orderLog()).toEqual([]);
    expect(await brokerage.orders.openOrders()).toEqual([]);

    // A limit order without a price is refused with IB's error, not answered.
    await expect(
      brokerage.orders.whatIf({ ...order, orderId: brokerage.orders.nextOrderId(), type: 'LMT' }),
    ).rejects.toBeInstanceOf(BrokerRequestError);
  });
});
