import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildDataset,
  buildPanel,
  centeredRanks,
  computeFeatures,
  FEATURE_COUNT,
  FEATURE_NAMES,
  ModelRegistry,
  modelFromState,
  modelRecordSchema,
  scoresForDate,
  scoresFromRecord,
  solveRidge,
  trainModel,
  walkForward,
  weeklySchedule,
} from '../../src/alpha/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { seededRandom } from '../../src/core/random.js';
import { type AlphaBars, formatDay, makeAlphaBars, weekOf } from '../../src/sources/alpha/index.js';
import { generateMarket } from './fixtures/market.js';

const clock = new ManualClock(Date.UTC(2026, 0, 5));
const feature = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

/** Copy of the bars with every adjusted close/open after `fromDay` scrambled. */
function perturbAfter(barsList: AlphaBars[], fromDay: number): AlphaBars[] {
  return barsList.map((bars, index) => {
    const adjustedClose = bars.adjustedClose.slice();
    const close = bars.close.slice();
    const volume = bars.volume.slice();
    for (let row = 0; row < bars.length; row++) {
      if (bars.days[row]! <= fromDay) continue;
      const factor = 1 + 0.3 * Math.sin(row * 7.1 + index);
      adjustedClose[row] = adjustedClose[row]! * factor;
      close[row] = close[row]! * factor;
      volume[row] = volume[row]! * 3;
    }
    return makeAlphaBars(bars.symbol, { ...bars, adjustedClose, close, volume });
  });
}

describe('features', () => {
  const bars = generateMarket({ seed: 11, symbols: 5, days: 400, lateStart: 100 });
  const panel = buildPanel(bars);

  it('computes documented momentum, reversal and 52-week-high features from adjusted closes', () => {
    const t = 350;
    const values = computeFeatures(panel, Int32Array.of(t));
    const p = (row: number) => panel.adjClose[0 * panel.days.length + row]!;
    expect(values[feature('mom_26w')]).toBeCloseTo(p(t - 5) / p(t - 130) - 1, 12);
    expect(values[feature('mom_4w')]).toBeCloseTo(p(t - 5) / p(t - 20) - 1, 12);
    expect(values[feature('rev_1w')]).toBeCloseTo(p(t) / p(t - 5) - 1, 12);
    let high = 0;
    for (let row = t - 259; row <= t; row++) high = Math.max(high, p(row));
    expect(values[feature('dist_52w_high')]).toBeCloseTo(p(t) / high - 1, 12);
    const returns: number[] = [];
    for (let row = t - 19; row <= t; row++) returns.push(Math.log(p(row) / p(row - 1)));
    const mean = returns.reduce((a, b) => a + b, 0) / 20;
    const sd = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / 19);
    expect(values[feature('vol_20d')]).toBeCloseTo(sd * Math.sqrt(252), 9);
  });

  it('leaves features NaN until a late-listed symbol has enough history', () => {
    const late = panel.symbols.indexOf('S004');
    const values = computeFeatures(panel, Int32Array.of(150));
    expect(Number.isNaN(values[late * FEATURE_COUNT + feature('mom_26w')]!)).toBe(true);
    expect(Number.isNaN(values[late * FEATURE_COUNT + feature('rev_1w')]!)).toBe(false);
  });

  it('never looks ahead: scrambling later bars leaves every earlier feature unchanged', () => {
    const cut = panel.days[300]!;
    const other = buildPanel(perturbAfter(bars, cut));
    const rows = Int32Array.from({ length: 301 }, (_, i) => i);
    expect(Array.from(computeFeatures(other, rows))).toEqual(Array.from(computeFeatures(panel, rows)));
    const later = Int32Array.of(320);
    expect(Array.from(computeFeatures(other, later))).not.toEqual(Array.from(computeFeatures(panel, later)));
  });
});

describe('cross-sectional ranks', () => {
  it('match a naive count, ties sharing their mean rank, for random and sorted inputs', () => {
    const random = seededRandom(3);
    for (const n of [1, 2, 17, 40, 700]) {
      for (const shape of ['random', 'ties', 'ascending', 'descending'] as const) {
        const values = Float64Array.from({ length: n }, (_, i) =>
          shape === 'random'
            ? random()
            : shape === 'ties'
              ? Math.floor(random() * 5)
              : shape === 'ascending'
                ? i
                : -i,
        );
        const out = new Float64Array(n);
        centeredRanks(values, n, out, new Float64Array(n));
        for (let i = 0; i < n; i++) {
          let below = 0;
          let equal = 0;
          for (let j = 0; j < n; j++) {
            if (values[j]! < values[i]!) below++;
            else if (values[j] === values[i]) equal++;
          }
          expect(out[i]).toBeCloseTo((below + (equal - 1) / 2 + 0.5) / n - 0.5, 12);
        }
      }
    }
  });
});

describe('panel', () => {
  it('uses split- and dividend-adjusted prices, so a split day is no crash', () => {
    const market = generateMarket({ seed: 4, symbols: 20, days: 300 });
    const split = market.find((bars) => bars.splitCoefficient.some((c) => c !== 1))!;
    const row = split.splitCoefficient.findIndex((c) => c !== 1);
    expect(split.close[row]! / split.close[row - 1]!).toBeLessThan(0.7); // the raw close halves
    const panel = buildPanel([split]);
    const adjusted = panel.adjClose[row]! / panel.adjClose[row - 1]!;
    expect(adjusted).toBeGreaterThan(0.85);
    expect(adjusted).toBeLessThan(1.15);
    expect(panel.adjOpen[row]).toBeCloseTo(
      (split.open[row]! * split.adjustedClose[row]!) / split.close[row]!,
      12,
    );
  });
});

describe('weekly schedule', () => {
  it('trades on the first trading day of each week and decides on the close before', () => {
    const panel = buildPanel(generateMarket({ seed: 1, symbols: 1, days: 40 }));
    const schedule = weeklySchedule(panel);
    for (let k = 0; k < schedule.tradeRows.length; k++) {
      const t = schedule.tradeRows[k]!;
      expect(weekOf(panel.days[t]!)).not.toBe(weekOf(panel.days[t - 1]!));
      expect(schedule.decisionRows[k]).toBe(t - 1);
      expect(new Date(`${formatDay(panel.days[t]!)}T00:00:00Z`).getUTCDay()).toBe(1);
    }
    expect(schedule.tradeRows.length).toBe(7);
  });

  it('can rebalance on a later weekday, the first trading day on or after it', () => {
    const panel = buildPanel(generateMarket({ seed: 1, symbols: 1, days: 40 }));
    const wednesday = weeklySchedule(panel, { weekday: 3 });
    expect(wednesday.tradeRows.length).toBe(8);
    for (const t of wednesday.tradeRows) {
      expect(new Date(`${formatDay(panel.days[t]!)}T00:00:00Z`).getUTCDay()).toBe(3);
    }
    expect(() => weeklySchedule(panel, { weekday: 6 })).toThrow(/weekday/);
  });
});

describe('models', () => {
  it('ridge recovers known coefficients', () => {
    const n = 2000;
    const x = new Float64Array(n * FEATURE_COUNT);
    const y = new Float64Array(n);
    const random = seededRandom(1);
    const next = () => random() - 0.5;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < FEATURE_COUNT; f++) x[i * FEATURE_COUNT + f] = next();
      y[i] = 0.1 + 0.5 * x[i * FEATURE_COUNT]! - 0.25 * x[i * FEATURE_COUNT + 3]!;
    }
    const fit = solveRidge({ x, y, n, width: FEATURE_COUNT }, 0);
    expect(fit.intercept).toBeCloseTo(0.1, 6);
    expect(fit.coefficients[0]).toBeCloseTo(0.5, 6);
    expect(fit.coefficients[3]).toBeCloseTo(-0.25, 6);
    const shrunk = solveRidge({ x, y, n, width: FEATURE_COUNT }, 1000);
    expect(Math.abs(shrunk.coefficients[0]!)).toBeLessThan(0.5);
  });
});

describe('walk-forward training', () => {
  const bars = generateMarket({ seed: 5, symbols: 30, days: 900, lateStart: 200 });
  const panel = buildPanel(bars);
  const schedule = weeklySchedule(panel);
  const dataset = buildDataset(panel, schedule.decisionRows);
  const config = { seed: 42, retrainEvery: 8, trainWindow: 60, minTrainPeriods: 30 };

  for (const family of ['rule', 'ridge', 'gbt'] as const) {
    it(`${family}: perturbing future data does not change past scores or fitted models`, () => {
      const params = family === 'gbt' ? { trees: 15, minLeaf: 20 } : {};
      const base = walkForward(dataset, { family, params, ...config });
      const k = 110;
      const cut = panel.days[schedule.decisionRows[k]!]!;
      const otherPanel = buildPanel(perturbAfter(bars, cut));
      const other = walkForward(buildDataset(otherPanel, schedule.decisionRows), {
        family,
        params,
        ...config,
      });
      const n = panel.symbols.length;
      expect(Array.from(other.scores.subarray(0, (k + 1) * n))).toEqual(
        Array.from(base.scores.subarray(0, (k + 1) * n)),
      );
      const pastFits = (result: typeof base) =>
        result.fits.filter((fit) => fit.fromDecision <= k).map((fit) => fit.state);
      expect(pastFits(other)).toEqual(pastFits(base));
      // Sanity: the perturbation does reach later decisions.
      expect(Array.from(other.scores.subarray((k + 2) * n))).not.toEqual(
        Array.from(base.scores.subarray((k + 2) * n)),
      );
    });
  }

  it('is deterministic for a seed, and the seed matters for the subsampled GBT', () => {
    const params = { trees: 10, minLeaf: 20, subsample: 0.5 };
    const a = walkForward(dataset, { family: 'gbt', params, ...config });
    const b = walkForward(dataset, { family: 'gbt', params, ...config });
    const c = walkForward(dataset, { family: 'gbt', params, ...config, seed: 43 });
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(Array.from(a.scores)).not.toEqual(Array.from(c.scores));
  });

  it('the rule model ranks by 26-week momentum', () => {
    const result = walkForward(dataset, { family: 'rule', params: {}, ...config });
    const k = 100;
    const n = panel.symbols.length;
    const eligible = [...Array(n).keys()].filter((s) => dataset.eligible[k * n + s]);
    const byScore = [...eligible].sort((a, b) => result.scores[k * n + a]! - result.scores[k * n + b]!);
    const byMomentum = [...eligible].sort(
      (a, b) =>
        dataset.raw[(k * n + a) * FEATURE_COUNT + feature('mom_26w')]! -
        dataset.raw[(k * n + b) * FEATURE_COUNT + feature('mom_26w')]!,
    );
    expect(byScore).toEqual(byMomentum);
  });

  it('builds a registry record with a content-hash version, metrics, and scores for any date', async () => {
    const request = {
      dataset,
      dataDigest: 'abc',
      clock,
      config: { family: 'ridge' as const, params: {}, ...config },
    };
    const { record } = trainModel(request);
    expect(record.version).toMatch(/^[0-9a-f]{64}$/);
    expect(trainModel(request).record.version).toBe(record.version);
    expect(trainModel({ ...request, dataDigest: 'abd' }).record.version).not.toBe(record.version);
    expect(
      trainModel({ ...request, config: { ...request.config, params: { lambda: 1 } } }).record.version,
    ).not.toBe(record.version);
    expect(record.metrics.periods).toBeGreaterThan(50);
    expect(record.metrics.byYear.length).toBeGreaterThan(1);
    expect(record.metrics.rankIc).not.toBeNull();

    const dir = await mkdtemp(path.join(tmpdir(), 'ibloop-models-'));
    try {
      const registry = new ModelRegistry(dir);
      await registry.save(record);
      const loaded = await registry.load(record.version.slice(0, 10));
      expect(modelRecordSchema.parse(loaded)).toEqual(record);
      // Scores for a date inside the walk-forward span equal the walk-forward scores of that decision.
      const k = 90;
      const scores = scoresForDate(loaded, panel, panel.days[schedule.decisionRows[k]!]!);
      const walk = trainModel(request).scores;
      const n = panel.symbols.length;
      for (const [symbol, score] of scores) expect(score).toBe(walk[k * n + panel.symbols.indexOf(symbol)]);
      // A stored record re-creates the walk-forward scores exactly (what backtests of saved models use).
      expect(Array.from(scoresFromRecord(loaded, dataset))).toEqual(Array.from(walk));
      const last = scoresForDate(loaded, panel, panel.days[panel.days.length - 1]! + 3);
      expect(last.size).toBeGreaterThan(10);
      expect(modelFromState(loaded.final.state).score(new Float64Array(FEATURE_COUNT), 1)[0]).toBeTypeOf(
        'number',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
