import { describe, expect, it } from 'vitest';
import { constructWeights } from '../../src/portfolio/index.js';
import { newSizingBook, sizeBook, sizeCheckedTargets } from '../../src/sizing/index.js';

/**
 * The backtest sizes through `sizeBook` (typed arrays in symbol-name order); live trading through
 * `sizeCheckedTargets` / `sizeTargets` (records), which runs the same rule on a book it fills itself.
 */
describe('sizing book', () => {
  it('sizes by position in the given order, trimming the largest buy first until cash is not negative', () => {
    const book = newSizingBook(4);
    // Rows: AAA (held, weight 0: exit), BBB (weighted, buy), CCC (weighted, the larger buy), DDD (no price).
    book.weight.set([0, 0.3, 0.5, 0]);
    book.price.set([10, 20, 50, 0]);
    book.hasPrice.set([1, 1, 1, 0]);
    book.position.set([100, 0, 0, 7]);
    book.lot.set([1, 1, 1, 1]);
    const commission = (shares: number): number => shares * 0.01;
    const cash = sizeBook(book, 4, { investable: 10_000, cash: 5_000, minOrderValue: 0, commission });
    // Untrimmed: AAA sells 100 (+1000 - 1), BBB buys 150 (-3000 - 1.5), CCC buys 100 (-5000 - 1): cash
    // -2003.5. CCC, the largest buy, is cut by ceil(2003.5 / 50) = 41 shares to 59; then cash is >= 0.
    expect(Array.from(book.target)).toEqual([0, 150, 59, 7]);
    expect(cash).toBe(5_000 + 1_000 - 1 - (3_000 + 1.5) - (59 * 50 + 59 * 0.01));
  });

  it('gives the records path the same targets and orders as a book in name order', () => {
    const input = {
      netLiquidation: 250_000,
      cashBuffer: 5_000,
      cash: 1_000,
      weights: { MSFT: 0.25, AAPL: 0.3, NVDA: 0.2 },
      prices: { MSFT: 410.5, AAPL: 189.25, NVDA: 95.1, IBM: 180 },
      positions: { IBM: 300, AAPL: 100 },
      lotSizes: { NVDA: 10 },
      minOrderValue: 500,
      commission: (shares: number, price: number) => Math.max(1, shares * 0.005) + shares * price * 1e-4,
    };
    const result = sizeCheckedTargets(input);
    const names = ['AAPL', 'IBM', 'MSFT', 'NVDA'] as const;
    const book = newSizingBook(names.length);
    names.forEach((name, i) => {
      book.weight[i] = (input.weights as Record<string, number>)[name] ?? 0;
      book.price[i] = input.prices[name];
      book.hasPrice[i] = 1;
      book.position[i] = (input.positions as Record<string, number>)[name] ?? 0;
      book.lot[i] = name === 'NVDA' ? 10 : 1;
    });
    const cash = sizeBook(book, names.length, {
      investable: 245_000,
      cash: 1_000,
      minOrderValue: 500,
      commission: input.commission,
    });
    expect(result.targets).toEqual(Object.fromEntries(names.map((name, i) => [name, book.target[i]])));
    expect(result.cashAfter).toBe(cash);
    // Sells first, then buys, each by name.
    const delta = (i: number) => book.target[i]! - book.position[i]!;
    const sells = names.filter((_, i) => delta(i) < 0);
    const buys = names.filter((_, i) => delta(i) > 0);
    expect(result.orders.map((order) => order.symbol)).toEqual([...sells, ...buys]);
    // The cash (55,000 after selling IBM) cannot buy all three: buys were trimmed, MSFT (the largest) first.
    expect(sells).toEqual(['IBM']);
    expect(result.targets.MSFT).toBe(0);
    expect(result.cashAfter).toBeGreaterThanOrEqual(0);
    expect(result.targets.NVDA! % 10).toBe(0);
  });
});

describe('portfolio construction without per-call arrays', () => {
  const params = {
    topN: 70,
    weighting: 'equal' as const,
    maxWeight: 1,
    sectorCap: 1,
    cashBuffer: 0,
    turnoverLimit: 1,
  };

  it('breaks ties by position, whether few names survive the cutoff or many', () => {
    const symbols = Array.from({ length: 100 }, (_, i) => `S${i}`);
    // 100 tied scores: more survivors than the small sort handles.
    const many = constructWeights({ symbols, scores: new Float64Array(100).fill(1) }, params);
    expect(Array.from(many, (w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0)).toEqual(
      Array.from({ length: 70 }, (_, i) => i),
    );
    // A few: the three best of descending-by-position ties.
    const scores = Float64Array.from(symbols, (_, i) => (i % 2 === 0 ? 2 : 1));
    const few = constructWeights({ symbols, scores }, { ...params, topN: 3 });
    expect(Array.from(few, (w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([0, 2, 4]);
  });

  it('caps sectors in the order the selection first meets them, names without a sector as "unknown"', () => {
    const symbols = ['A', 'B', 'C', 'D'];
    const weights = constructWeights(
      {
        symbols,
        scores: Float64Array.from([4, 3, 2, 1]),
        sectors: ['Tech', undefined, 'Tech', 'unknown'],
      },
      { ...params, topN: 4, sectorCap: 0.4 },
    );
    // Tech (A, C) and unknown (B, D) each hold 0.5 and are cut to 0.4; nobody can take the excess.
    expect(Array.from(weights)).toEqual([0.2, 0.2, 0.2, 0.2]);
  });
});
