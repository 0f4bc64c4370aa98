import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/alpha/index.js';
import {
  alignIndex,
  type BacktestInput,
  type BacktestResult,
  backtestConfigSchema,
  prepareResearch,
  ResultColumns,
  researchInput,
  resultHash,
  resultHashHex,
  resultHashOf,
  resultHashVersion,
  runBacktest,
  simulate,
  simulationHash,
} from '../../src/backtest/index.js';
import { canonicalJsonSha256 } from '../../src/backtest/result-hash.js';
import { type AlphaBars, makeAlphaBars, sha256Hex } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

// Version 1 of the result hash is sha256(canonicalJson(result)): hashes stored before version 2
// (backtest folders, `result_hash`, sweeps' rows) are compared with fresh ones of that version.
const reference = (value: unknown): string => sha256Hex(canonicalJson(value));

/** Bars of `bars` up to row `rows` only: a name that stops trading, so the backtest has exits. */
function truncated(bars: AlphaBars, rows: number): AlphaBars {
  const cut = <T extends Int32Array | Float64Array>(column: T): T => column.slice(0, rows) as T;
  return makeAlphaBars(bars.symbol, {
    days: cut(bars.days),
    open: cut(bars.open),
    high: cut(bars.high),
    low: cut(bars.low),
    close: cut(bars.close),
    adjustedClose: cut(bars.adjustedClose),
    volume: cut(bars.volume),
    dividend: cut(bars.dividend),
    splitCoefficient: cut(bars.splitCoefficient),
  });
}

/** A market with every part a result can have: sectors, late starts, exits and a market index. */
function fullInput(): BacktestInput {
  const market = generateMarket({ seed: 31, symbols: 16, days: 700, lateStart: 90 });
  const bars = market.map((b, i) => (i % 6 === 1 ? truncated(b, 400 + 20 * i) : b));
  const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
  const research = prepareResearch(bars.slice(0, 15), sectors);
  const scores = research.dataset.raw.filter((_, i) => i % research.dataset.nFeatures === 1);
  return { ...researchInput(research, scores), index: alignIndex(research.panel, bars[15]!) };
}

describe('result hash, version 2', () => {
  const input = fullInput();
  const config = { construction: { topN: 5, weighting: 'inverse_volatility' as const, sectorCap: 0.5 } };
  const result = runBacktest(input, config);

  it('covers a result with exits, sectors and an index', () => {
    expect(result.exits.length).toBeGreaterThan(0);
    expect(result.index).not.toBeNull();
    expect(Object.keys(result.rebalances.at(-1)!.sectors).length).toBeGreaterThan(1);
  });

  it('is the same from the columns a sweep point records as from the full result', () => {
    const hash = resultHash(result);
    expect(hash).toMatch(/^v2:[0-9a-f]{64}$/);
    const columns = new ResultColumns();
    // Twice through the same columns: a thread reuses them point after point.
    for (const _ of [1, 2]) {
      const run = simulate(input, backtestConfigSchema.parse(config), columns);
      expect(run.stats).toEqual(result.stats);
      expect(simulationHash(input, run, columns)).toBe(hash);
    }
    const other = runBacktest(input, { ...config, slippageBps: 7 });
    const run = simulate(input, backtestConfigSchema.parse({ ...config, slippageBps: 7 }), columns);
    expect(simulationHash(input, run, columns)).toBe(resultHash(other));
    expect(resultHash(other)).not.toBe(hash);
  });

  it('survives a JSON round trip (result.json read back)', () => {
    expect(resultHash(JSON.parse(JSON.stringify(result)) as BacktestResult)).toBe(resultHash(result));
  });

  it('changes with any recorded figure', () => {
    const hash = resultHash(result);
    const changed = (edit: (copy: BacktestResult) => void): string => {
      const copy = structuredClone(result);
      edit(copy);
      return resultHash(copy);
    };
    const rebalance = result.rebalances.findIndex((r) => r.trades.length > 0);
    const sector = Object.keys(result.rebalances[rebalance]!.sectors)[0]!;
    const edits: ((copy: BacktestResult) => void)[] = [
      (copy) => {
        copy.rebalances[rebalance]!.trades[0]!.price += 1e-9;
      },
      (copy) => {
        copy.rebalances[rebalance]!.trades[0]!.symbol = 'OTHER';
      },
      (copy) => {
        copy.rebalances[rebalance]!.holdings[0]!.weight *= 1 + 1e-12;
      },
      (copy) => {
        copy.rebalances[rebalance]!.sectors[sector]! += 1e-12;
      },
      (copy) => {
        copy.exits[0]!.quantity -= 1;
      },
      (copy) => {
        copy.equity[10]! += 1e-6;
      },
      (copy) => {
        copy.index!.equity[3]! += 1e-6;
      },
      (copy) => {
        copy.monthly[2]!.benchmark += 1e-12;
      },
      (copy) => {
        copy.stats.sharpe += 1e-12;
      },
      (copy) => {
        copy.days[0] = '1999-01-01';
      },
      (copy) => {
        // A trade moved to the next rebalance: the same numbers in another place.
        copy.rebalances[rebalance + 1]!.trades.unshift(copy.rebalances[rebalance]!.trades.pop()!);
      },
    ];
    for (const edit of edits) expect(changed(edit)).not.toBe(hash);
  });

  it('names its version; a stored version 1 hash is still computed to verify', () => {
    expect(resultHashVersion(resultHash(result))).toBe('v2');
    const v1 = resultHashOf(result, 'v1');
    expect(v1).toBe(reference(result));
    expect(resultHashVersion(v1)).toBe('v1');
    expect(resultHashHex(resultHash(result))).toMatch(/^[0-9a-f]{64}$/);
    expect(resultHashHex(v1)).toBe(v1);
  });
});

describe('result hash, version 1 (canonical JSON)', () => {
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
    expect(resultHashOf(result, 'v1')).toBe(reference(result));
    expect(resultHashOf(JSON.parse(JSON.stringify(result)), 'v1')).toBe(reference(result));
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
