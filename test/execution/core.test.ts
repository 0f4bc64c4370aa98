import { describe, expect, it } from 'vitest';
import type { BrokerContract } from '../../src/brokerage/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import {
  choosePrice,
  clientOrderId,
  decideTransition,
  limitPrice,
  mapBrokerStatus,
  PreparedPrices,
  type PriceSource,
  PriceUnavailableError,
  parseClientOrderId,
  parseWeightsText,
  planOrders,
  type QuoteSnapshot,
  validateWeights,
} from '../../src/execution/index.js';

function inputErrorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('order state machine', () => {
  it('maps every IB status explicitly', () => {
    expect(mapBrokerStatus('PendingSubmit', 0)).toBe('SUBMITTED');
    expect(mapBrokerStatus('ApiPending', 0)).toBe('SUBMITTED');
    expect(mapBrokerStatus('PreSubmitted', 0)).toBe('SUBMITTED');
    expect(mapBrokerStatus('Submitted', 0)).toBe('SUBMITTED');
    expect(mapBrokerStatus('Submitted', 10)).toBe('PARTIAL');
    expect(mapBrokerStatus('PendingCancel', 0)).toBeNull();
    expect(mapBrokerStatus('PendingCancel', 3)).toBe('PARTIAL');
    expect(mapBrokerStatus('Filled', 10)).toBe('FILLED');
    expect(mapBrokerStatus('Cancelled', 0)).toBe('CANCELED');
    expect(mapBrokerStatus('ApiCancelled', 0)).toBe('CANCELED');
    expect(mapBrokerStatus('Inactive', 0)).toBe('REJECTED');
    expect(mapBrokerStatus('Inactive', 4)).toBe('CANCELED');
  });

  it('refuses illegal transitions and ignores repeats', () => {
    expect(decideTransition('NEW', 'SUBMITTED')).toEqual({ kind: 'applied', from: 'NEW', to: 'SUBMITTED' });
    expect(decideTransition('SUBMITTED', 'SUBMITTED')).toEqual({ kind: 'unchanged' });
    expect(decideTransition('PARTIAL', 'SUBMITTED').kind).toBe('refused');
    expect(decideTransition('PARTIAL', 'REJECTED').kind).toBe('refused');
    expect(decideTransition('FILLED', 'CANCELED')).toMatchObject({
      kind: 'refused',
      reason: 'FILLED is final',
    });
    expect(decideTransition('CANCELED', 'FILLED').kind).toBe('refused');
    expect(decideTransition('SUBMITTED', null)).toEqual({ kind: 'unchanged' });
  });
});

describe('client order ids', () => {
  it('are deterministic and parse back', () => {
    const ref = clientOrderId({ runId: 12, symbol: 'BRK B', side: 'SELL', leg: 2 });
    expect(ref).toBe('ibl:R12:BRK B:S:2');
    expect(clientOrderId({ runId: 12, symbol: 'BRK B', side: 'SELL', leg: 2 })).toBe(ref);
    expect(parseClientOrderId(ref)).toEqual({ runId: 12, symbol: 'BRK B', side: 'SELL', leg: 2 });
    expect(parseClientOrderId('manual-order')).toBeNull();
  });
});

describe('planning from targets', () => {
  it('orders target - position - open remaining, sells first', () => {
    const plan = planOrders({
      targets: { AAPL: 100, MSFT: 0, NVDA: 50 },
      positions: { AAPL: 40, MSFT: 30, NVDA: 10 },
      openOrders: [{ symbol: 'NVDA', side: 'BUY', quantity: 30, filledQty: 10 }],
    });
    expect(plan).toEqual([
      { symbol: 'MSFT', side: 'SELL', quantity: 30 },
      { symbol: 'AAPL', side: 'BUY', quantity: 60 },
      { symbol: 'NVDA', side: 'BUY', quantity: 20 },
    ]);
  });

  it('plans nothing when the open orders and positions already cover the targets', () => {
    const first = planOrders({ targets: { AAPL: 100 }, positions: {}, openOrders: [] });
    const second = planOrders({
      targets: { AAPL: 100 },
      positions: {},
      openOrders: first.map((o) => ({ ...o, filledQty: 0 })),
    });
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(planOrders({ targets: { AAPL: 100 }, positions: { AAPL: 100 }, openOrders: [] })).toEqual([]);
  });

  it('skips orders below the minimum trade size but never a full exit', () => {
    const plan = planOrders({
      targets: { AAPL: 102, MSFT: 0 },
      positions: { AAPL: 100, MSFT: 2 },
      openOrders: [],
      minTradeShares: 5,
    });
    expect(plan).toEqual([{ symbol: 'MSFT', side: 'SELL', quantity: 2 }]);
    const byValue = planOrders({
      targets: { AAPL: 110 },
      positions: { AAPL: 100 },
      openOrders: [],
      minTradeValue: 2000,
      prices: { AAPL: 150 },
    });
    expect(byValue).toEqual([]);
  });
});

describe('weights', () => {
  it('accepts valid JSON and CSV', () => {
    expect(validateWeights(parseWeightsText('{"AAPL": 0.1, "MSFT": 0.2}'))).toEqual({ AAPL: 0.1, MSFT: 0.2 });
    expect(validateWeights(parseWeightsText('symbol,weight\nAAPL,0.1\nMSFT,0.2\n'))).toEqual({
      AAPL: 0.1,
      MSFT: 0.2,
    });
    expect(validateWeights(parseWeightsText('AAPL,0.5'))).toEqual({ AAPL: 0.5 });
  });

  it.each([
    ['NaN in CSV', 'symbol,weight\nAAPL,NaN', 'weights.AAPL', /line 2: must be a decimal number/],
    ['string in JSON', '{"AAPL": "x"}', 'weights.AAPL', /finite/],
    ['null in JSON', '{"AAPL": null}', 'weights.AAPL', /finite/],
    ['negative', '{"AAPL": -0.1}', 'weights.AAPL', />= 0/],
    ['sum 1.5', '{"AAPL": 0.75, "MSFT": 0.75}', 'weights', /sum of weights is 1.5/],
    ['empty', '   \n', 'weights', /empty/],
    ['header only', 'symbol,weight\n', 'weights', /empty/],
    ['empty JSON object', '{}', 'weights', /empty/],
    ['not JSON', '{"AAPL": 0.1', 'file', /not valid JSON/],
    ['JSON array', '[0.1]', 'file', /object/],
    ['not CSV', 'hello world this is not a weights file', 'file', /neither JSON nor CSV/],
    ['bad symbol', '{"aapl!": 0.1}', 'weights.aapl!', /symbol/],
  ])('refuses %s naming the field', (_name, text, field, reason) => {
    const error = inputErrorOf(() => validateWeights(parseWeightsText(text)));
    expect(error.field).toBe(field);
    expect(error.reason).toMatch(reason);
  });

  it('refuses unknown symbols when the universe is given, and allows shorts only when enabled', () => {
    const unknown = inputErrorOf(() => validateWeights({ ZZZZ: 0.1 }, { knownSymbols: new Set(['AAPL']) }));
    expect(unknown.field).toBe('weights.ZZZZ');
    expect(validateWeights({ AAPL: -0.1 }, { allowShort: true })).toEqual({ AAPL: -0.1 });
  });
});

describe('sizing prices', () => {
  const now = Date.UTC(2026, 0, 5, 15);
  it('prefers the mid, then the last, then the previous close', () => {
    expect(
      choosePrice({ symbol: 'A', timeMs: now, bid: 9.9, ask: 10.1, last: 11 }, now, { maxAgeMs: 1000 }),
    ).toMatchObject({
      price: 10,
      source: 'mid',
    });
    expect(
      choosePrice({ symbol: 'A', timeMs: now, bid: 10.2, ask: 10.1, last: 11 }, now, { maxAgeMs: 1000 })
        .source,
    ).toBe('last');
    expect(choosePrice({ symbol: 'A', timeMs: now, close: 12 }, now, { maxAgeMs: 1000 })).toMatchObject({
      price: 12,
      source: 'close',
    });
  });

  it('refuses stale or empty quotes, naming the symbol', () => {
    expect(() => choosePrice({ symbol: 'A', timeMs: now - 5000, last: 10 }, now, { maxAgeMs: 1000 })).toThrow(
      PriceUnavailableError,
    );
    expect(() => choosePrice({ symbol: 'B', timeMs: now }, now, { maxAgeMs: 1000 })).toThrow(/price of B/);
  });

  it('sizes with a live quote first, then a prepared price while fresh, then fetches', async () => {
    const clock = new ManualClock(now);
    const contract = (symbol: string) => ({ symbol, conId: symbol.charCodeAt(0) }) as BrokerContract;
    const fetched: string[] = [];
    const fetch: PriceSource = {
      async prices(contracts) {
        fetched.push(...contracts.map((c) => c.symbol));
        return Object.fromEntries(
          contracts.map((c) => [
            c.symbol,
            { symbol: c.symbol, price: 50, source: 'last' as const, quoteTimeMs: clock.nowMs() },
          ]),
        );
      },
    };
    const live: Record<string, QuoteSnapshot> = { L: { symbol: 'L', timeMs: now, bid: 9, ask: 11 } };
    const book = new PreparedPrices({ fetch, clock, rules: { maxAgeMs: 1000 }, live: (s) => live[s] });
    expect(await book.prepare([contract('L'), contract('P')])).toEqual({ ready: 1, fetched: 1 });
    expect(fetched).toEqual(['P']);
    clock.set(now + 900);
    const prices = await book.prices([contract('L'), contract('P')]);
    expect(prices.L).toMatchObject({ price: 10, source: 'mid' });
    expect(prices.P).toMatchObject({ price: 50, quoteTimeMs: now });
    expect(fetched).toEqual(['P']);
    // Both have aged past the rule: the live quote is skipped and the prepared price fetched again.
    clock.set(now + 1500);
    const later = await book.prices([contract('L'), contract('P')]);
    expect(fetched).toEqual(['P', 'L', 'P']);
    expect(later.P?.quoteTimeMs).toBe(now + 1500);
  });

  it('rounds limit prices to the tick on the side that never pays more', () => {
    expect(limitPrice(100, 'BUY', 10, 0.01)).toBe(100.1);
    expect(limitPrice(100.004, 'BUY', 0, 0.01)).toBe(100);
    expect(limitPrice(100.004, 'SELL', 0, 0.01)).toBe(100.01);
    expect(limitPrice(20, 'SELL', 25, 0.05)).toBe(19.95);
  });
});
