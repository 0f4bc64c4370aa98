import { describe, expect, it } from 'vitest';
import type { TradeFill, TradeOrder, TradeRun } from '../../src/execution/index.js';
import { postTradeReport } from '../../src/pipeline/index.js';

const run = {
  id: 9,
  tradingDate: '2026-01-13',
  targets: { AAA: 100, BBB: 0 },
  plan: {
    netLiquidation: 100_000,
    positionsBefore: { BBB: 50 },
    prices: { AAA: { price: 100 }, BBB: { price: 200 } },
  },
} as unknown as TradeRun;

const order = (symbol: string, side: 'BUY' | 'SELL', quantity: number, filledQty: number, status: string) =>
  ({ symbol, side, quantity, filledQty, status }) as unknown as TradeOrder;
const fill = (symbol: string, side: 'BUY' | 'SELL', shares: number, price: number, commission: number) =>
  ({ symbol, side, shares, price, commission }) as unknown as TradeFill;

describe('post-trade report', () => {
  it('compares target and filled in shares and weights, with slippage, commissions, leftovers and turnover', () => {
    const report = postTradeReport({
      runId: 3,
      run,
      orders: [order('AAA', 'BUY', 100, 80, 'CANCELED'), order('BBB', 'SELL', 50, 50, 'FILLED')],
      fills: [fill('AAA', 'BUY', 80, 101, 1), fill('BBB', 'SELL', 50, 198, 1.5)],
      weights: { AAA: 0.1 },
      decisionPrices: { AAA: 99, BBB: 200 },
    });
    expect(report).toMatchObject({ orders: 2, filledOrders: 1, leftoverOrders: 1, commissions: 2.5 });
    expect(report.turnover).toBeCloseTo((80 * 101 + 50 * 198) / 100_000, 6);
    const aaa = report.symbols.find((s) => s.symbol === 'AAA');
    expect(aaa).toMatchObject({ targetShares: 100, filledShares: 80, leftoverShares: 20, targetWeight: 0.1 });
    // A buy 1% above the arrival price costs 100 bps; a sell 1% below costs 100 bps too.
    expect(aaa?.slippageVsArrivalBps).toBe(100);
    expect(report.symbols.find((s) => s.symbol === 'BBB')?.slippageVsArrivalBps).toBe(100);
    expect(aaa?.filledWeight).toBeCloseTo((80 * 101) / 100_000, 6);
  });
});
