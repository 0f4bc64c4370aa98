import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/alpha/index.js';
import { prepareResearch, resultHash, runBacktest } from '../../src/backtest/index.js';
import { canonicalJsonSha256 } from '../../src/backtest/result-hash.js';
import { sha256Hex } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

// The result hash must stay sha256(canonicalJson(result)): hashes stored before (backtest folders,
// `result_hash`, sweeps' rows) are compared with fresh ones when a result is rerun.
const reference = (value: unknown): string => sha256Hex(canonicalJson(value));

describe('result hash', () => {
  it('is the digest of the canonical JSON of a real result, also after a JSON round trip', () => {
    const bars = generateMarket({ seed: 7, symbols: 12, days: 600 });
    const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
    const research = prepareResearch(bars, sectors);
    const scores = research.dataset.raw.filter((_, i) => i % research.dataset.nFeatures === 2);
    const result = runBacktest(
      { panel: research.panel, schedule: research.schedule, scores, sectors: research.sectors },
      { construction: { topN: 4 } },
    );
    expect(result.rebalances[0]!.trades.length).toBeGreaterThan(0);
    expect(resultHash(result)).toBe(reference(result));
    expect(resultHash(JSON.parse(JSON.stringify(result)))).toBe(reference(result));
  });

  it('writes exactly what canonicalJson writes for the values JSON treats specially', () => {
    const cases: unknown[] = [
      { b: 1, a: [3, { d: null, c: Number.NaN }], e: -0, f: Number.POSITIVE_INFINITY },
      { z: undefined, y: () => 1, x: Symbol('s'), w: [undefined, () => 1] },
      { 10: 'ten', 9: 'nine', b: { 2: 'x', a: 'y' }, a: 1 },
      { when: new Date(0), view: new Float64Array([1.5, 2]), nested: { toJSON: () => ({ q: 1, p: 2 }) } },
      { gone: { toJSON: () => undefined }, kept: 'é\u2028"\\', '': 'empty key' },
      JSON.parse('{"__proto__": {"b": 1}, "a": 2}'),
      Object.assign(Object.create(null), { b: 2, a: 1 }),
      [[{ b: 1, a: 2 }], 'text', true, null],
      // Arrays JSON.stringify writes natively (plain values; flat objects of one key order) and the
      // ones next to them that it must not: mixed, nested, other key orders, special values.
      [1.5, -0, Number.NaN, Number.NEGATIVE_INFINITY, 'é', undefined, () => 1, true, null],
      [
        { q: 2, p: -0, n: Number.NaN, u: undefined, f: () => 1, s: 'ü\u2028' },
        { q: 3, p: 1, n: 2, u: 4, f: 5, s: '' },
      ],
      [
        { 10: 'a', 9: 'b', x: 1 },
        { 10: 'c', 9: 'd', x: 2 },
      ],
      [
        { b: 1, a: 2 },
        { a: 2, b: 1 },
      ],
      [
        { b: 1, a: { d: 1, c: 2 } },
        { b: 1, a: null },
      ],
      [3, { b: 1, a: 2 }],
      [{ b: 1, a: 2 }, 3],
      [{ b: 1, a: [2, 1] }],
      [{ constructor: 1, b: 2 }, {}],
      { trades: [{ symbol: 'A', quantity: 3, price: 1.25, commission: 0.1 }], z: [[1, 2], []], a: {} },
      // Flat objects whose keys are in canonical order already (written without a property list), and
      // later objects that differ from the first in order, in number or in what they hold.
      [
        { a: 1, b: 'x', c: -0 },
        { a: 2, b: 'y', c: Number.NaN },
      ],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [
        { a: 1, b: 2 },
        { a: 1, b: 2, c: 3 },
      ],
      [{ a: 1, b: 2 }, { a: 1 }],
      [
        { a: 1, b: 2 },
        { a: 1, b: { c: 1 } },
      ],
      [{ a: 1 }, Object.assign(Object.create(null), { a: 2 })],
      [{ a: 1 }, Object.assign(Object.create({ inherited: 1 }), { a: 2 })],
      [{ a: 1 }, { a: 2, toJSON: () => ({ z: 1, y: 2 }) }],
      [{ 9: 'b', 10: 'a', x: 1 }],
      'text',
      3.25,
    ];
    for (const value of cases) expect(canonicalJsonSha256(value)).toBe(reference(value));
    expect(() => canonicalJsonSha256({ big: 1n })).toThrow();
    expect(() => canonicalJsonSha256([{ a: 1 }, { a: 1n }])).toThrow();
  });

  it('writes own keys only when Object.prototype carries an enumerable key', () => {
    const value = { list: [{ a: 1 }, { a: 2 }], b: { c: 1 } };
    Object.defineProperty(Object.prototype, 'polluted', {
      value: 1,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      expect(canonicalJsonSha256(value)).toBe(reference(value));
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
