import { describe, expect, it } from 'vitest';
import { SizingInputError, sizeTargets } from '../../src/sizing/index.js';

const base = {
  netLiquidation: 100_000,
  cashBuffer: 0,
  cash: 100_000,
  positions: {},
};

describe('sizeTargets', () => {
  it('sizes (net liquidation - cash buffer) x weight and rounds down to whole shares', () => {
    const result = sizeTargets({
      ...base,
      cashBuffer: 10_000,
      weights: { AAA: 0.5, BBB: 0.25 },
      prices: { AAA: 33, BBB: 70 },
    });
    expect(result.targets).toEqual({ AAA: Math.floor(45_000 / 33), BBB: Math.floor(22_500 / 70) });
    expect(result.orders.map((order) => [order.symbol, order.quantity])).toEqual([
      ['AAA', 1363],
      ['BBB', 321],
    ]);
  });

  it('respects lot sizes', () => {
    const result = sizeTargets({
      ...base,
      weights: { AAA: 0.5 },
      prices: { AAA: 33 },
      lotSizes: { AAA: 100 },
    });
    expect(result.targets.AAA).toBe(1500);
  });

  it('sells positions that have no weight and lists sells before buys', () => {
    const result = sizeTargets({
      ...base,
      cash: 0,
      positions: { OLD: 100 },
      weights: { NEW: 0.5 },
      prices: { OLD: 1000, NEW: 50 },
    });
    expect(result.targets.OLD).toBe(0);
    expect(result.orders[0]).toMatchObject({ symbol: 'OLD', quantity: -100 });
    expect(result.orders[1]).toMatchObject({ symbol: 'NEW', quantity: 1000 });
  });

  it('skips orders below the minimum value but always allows a full exit', () => {
    const result = sizeTargets({
      ...base,
      positions: { AAA: 100, BBB: 1 },
      weights: { AAA: 0.1001 },
      prices: { AAA: 100, BBB: 10 },
      minOrderValue: 500,
    });
    expect(result.targets.AAA).toBe(100); // 100 -> 100.1 shares rounds to 100 anyway
    expect(result.targets.BBB).toBe(0); // $10 exit goes through
    const small = sizeTargets({
      ...base,
      positions: { AAA: 100 },
      weights: { AAA: 0.104 },
      prices: { AAA: 100 },
      minOrderValue: 500,
    });
    expect(small.targets.AAA).toBe(100); // +4 shares = $400 < $500: kept
  });

  it('never spends more cash than it has, commissions included', () => {
    const commission = (shares: number, price: number) =>
      Math.min(Math.max(1, shares * 0.005), shares * price * 0.01);
    const result = sizeTargets({
      ...base,
      cash: 100_000,
      weights: { AAA: 0.5, BBB: 0.5 },
      prices: { AAA: 10, BBB: 20 },
      commission,
    });
    // Exactly 100% invested would need 5,000 + 2,500 shares plus ~$38 commission: something must give.
    expect(result.cashAfter).toBeGreaterThanOrEqual(0);
    let spent = 0;
    for (const order of result.orders)
      spent += order.quantity * order.price + commission(order.quantity, order.price);
    expect(spent).toBeLessThanOrEqual(100_000);
    expect(result.cashAfter).toBeCloseTo(100_000 - spent, 6);
    expect(result.targets.AAA! + result.targets.BBB!).toBeLessThan(7500);
  });

  it('validates weights and names the field', () => {
    const call =
      (weights: Record<string, number>, prices: Record<string, number> = { AAA: 10, BBB: 10 }) =>
      () =>
        sizeTargets({ ...base, weights, prices });
    expect(call({ AAA: -0.1 })).toThrow(/weights\.AAA: must be >= 0/);
    expect(call({ AAA: Number.NaN })).toThrow(/weights\.AAA/);
    expect(call({ AAA: 0.7, BBB: 0.7 })).toThrow(/weights: sum of weights 1\.4 exceeds 1/);
    expect(call({ ZZZ: 0.1 })).toThrow(/weights\.ZZZ: unknown symbol/);
    expect(() => sizeTargets({ ...base, weights: {}, prices: {}, positions: { AAA: 5 } })).toThrow(
      SizingInputError,
    );
    expect(() => sizeTargets({ ...base, weights: { AAA: 0.1 }, prices: { AAA: 0 } })).toThrow(
      /prices\.AAA: must be > 0/,
    );
  });

  it('allows short weights only when shorting is on', () => {
    const result = sizeTargets({ ...base, allowShort: true, weights: { AAA: -0.1 }, prices: { AAA: 30 } });
    expect(result.targets.AAA).toBe(-333);
  });
});
