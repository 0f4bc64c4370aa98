import { describe, expect, it } from 'vitest';
import {
  evaluateSignal,
  FEATURE_COUNT,
  FEATURE_NAMES,
  parseSignal,
  SignalError,
  signalScores,
  walkForward,
} from '../../src/alpha/index.js';
import { prepareResearch, runBacktest } from '../../src/backtest/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

const bars = generateMarket({ seed: 31, symbols: 30, days: 900, lateStart: 200 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const research = prepareResearch(bars, sectors);
const { dataset } = research;

const bytes = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function featureColumn(name: (typeof FEATURE_NAMES)[number]): Float64Array {
  const f = FEATURE_NAMES.indexOf(name);
  const out = new Float64Array(dataset.eligible.length);
  for (let i = 0; i < out.length; i++) out[i] = dataset.raw[i * FEATURE_COUNT + f]!;
  return out;
}

describe('expression signals', () => {
  it('ret(130, 5) scores bit for bit like the rule model on the built-in mom_26w', () => {
    const rule = walkForward(dataset, {
      family: 'rule',
      params: { feature: 'mom_26w' },
      seed: 1,
      retrainEvery: 52,
      trainWindow: 0,
      minTrainPeriods: 0,
    });
    const signal = signalScores('ret(130, 5)', dataset, research.sectors);
    expect(bytes(signal).equals(bytes(rule.scores))).toBe(true);
    const a = runBacktest({ ...research, scores: signal });
    const b = runBacktest({ ...research, scores: rule.scores });
    expect(a.equity).toEqual(b.equity);
  });

  it('series functions equal the built-in features where they are the same definition', () => {
    // Raw values where the dataset computed the feature (its rows are the decision rows).
    const same = (expression: string, feature: (typeof FEATURE_NAMES)[number]) => {
      const values = evaluateSignal(expression, dataset, research.sectors);
      const built = featureColumn(feature);
      for (let i = 0; i < values.length; i++) if (Number.isNaN(built[i]!)) values[i] = Number.NaN;
      expect(bytes(values).equals(bytes(built))).toBe(true);
    };
    same('ret(5)', 'rev_1w');
    same('ret(60, 5)', 'mom_12w');
    same('vol(60)', 'vol_60d');
    same('vol(20)', 'vol_20d');
  });

  it('computes arithmetic and cross-sectional functions', () => {
    const n = dataset.nSymbols;
    const ratio = evaluateSignal('ret(126) / vol(63)', dataset);
    const ret = evaluateSignal('ret(126)', dataset);
    const vol = evaluateSignal('vol(63)', dataset);
    const k = dataset.decisionRows.length - 1;
    for (let s = 0; s < n; s++) expect(ratio[k * n + s]).toBe(ret[k * n + s]! / vol[k * n + s]!);
    const neutral = evaluateSignal('neutral(ret(126))', dataset, research.sectors);
    const bySector = new Map<string, number>();
    for (let s = 0; s < n; s++) {
      const value = neutral[k * n + s]!;
      if (Number.isNaN(value)) continue;
      const sector = research.sectors[s]!;
      bySector.set(sector, (bySector.get(sector) ?? 0) + value);
    }
    for (const sum of bySector.values()) expect(Math.abs(sum)).toBeLessThan(1e-12);
    const z = Array.from(
      evaluateSignal('zscore(ma(20) / price())', dataset).subarray(k * n, (k + 1) * n),
    ).filter((v) => !Number.isNaN(v));
    expect(z.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
    const ranks = evaluateSignal('rank(-high(260) + 2 * low(10))', dataset).subarray(k * n, (k + 1) * n);
    expect(Math.max(...Array.from(ranks).filter((v) => !Number.isNaN(v)))).toBeLessThan(0.5);
  });

  it('refuses a bad expression, naming the position of the bad token', () => {
    const positionOf = (text: string) => {
      try {
        parseSignal(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SignalError);
        return { position: (error as SignalError).position, reason: (error as SignalError).reason };
      }
      throw new Error(`${text} was accepted`);
    };
    expect(positionOf('ret(126) / vlo(63)')).toEqual({
      position: 11,
      reason: expect.stringMatching(/unknown function "vlo"/),
    });
    expect(positionOf('ret(126')).toEqual({ position: 7, reason: 'expected ")" before the end' });
    expect(positionOf('ret(0)').position).toBe(4);
    expect(positionOf('vol(20.5)').reason).toMatch(/whole number/);
    expect(positionOf('ret(10, 10)').position).toBe(8);
    expect(positionOf('rank(ret(5), 2)').reason).toMatch(/takes 1 argument/);
    expect(positionOf('1 +').reason).toBe('unexpected end of the expression');
    expect(positionOf('ret(5) $ 2').position).toBe(7);
    expect(positionOf('ret(5) ret(10)').position).toBe(7);
    expect(() => parseSignal('ret(126) / vol(63)')).not.toThrow();
  });
});
