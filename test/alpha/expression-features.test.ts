import { describe, expect, it } from 'vitest';
import {
  buildPanel,
  FEATURE_COUNT,
  FEATURE_NAMES,
  scoresForDate,
  scoresFromRecord,
  trainModel,
} from '../../src/alpha/index.js';
import { prepareResearch } from '../../src/backtest/index.js';
import { systemClock } from '../../src/core/clock.js';
import { projectParamsSchema } from '../../src/projects/index.js';
import { generateMarket, sectorOf, symbolName } from '../research/fixtures/market.js';

/**
 * Expressions as model inputs: appended to the built-in features, normalised the same way, named in
 * the model record, and recomputed from the record when a live decision scores a date.
 */
const bars = generateMarket({ seed: 7, symbols: 25, days: 800, lateStart: 150 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const expressions = ['ret(130, 5)', 'neutral(ret(60) / vol(60))'];
const plain = prepareResearch(bars, sectors);
const extended = prepareResearch(bars, sectors, { expressions });
const training = { seed: 3, retrainEvery: 26, trainWindow: 0, minTrainPeriods: 30 };

const bytes = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const column = (values: Float64Array, width: number, f: number) =>
  Float64Array.from({ length: values.length / width }, (_, i) => values[i * width + f]!);

describe('expression features as model inputs', () => {
  it('appends one column per expression; ret(130, 5) equals the built-in mom_26w bit for bit', () => {
    const { dataset } = extended;
    expect(dataset.nFeatures).toBe(FEATURE_COUNT + 2);
    expect(dataset.featureNames).toEqual([...FEATURE_NAMES, ...expressions]);
    const mom = FEATURE_NAMES.indexOf('mom_26w');
    for (const layer of ['raw', 'normalized'] as const) {
      const builtIn = column(dataset[layer], dataset.nFeatures, mom);
      const expression = column(dataset[layer], dataset.nFeatures, FEATURE_COUNT);
      expect(bytes(expression).equals(bytes(builtIn)), layer).toBe(true);
      // The built-in columns are unchanged by the extra ones.
      expect(bytes(builtIn).equals(bytes(column(plain.dataset[layer], FEATURE_COUNT, mom)))).toBe(true);
    }
    expect(bytes(extended.volatility).equals(bytes(plain.volatility))).toBe(true);
  });

  it('a model fitted with expressions names them, and scoring a date recomputes them', () => {
    const outcome = trainModel({
      dataset: extended.dataset,
      dataDigest: 'test',
      clock: systemClock,
      config: { family: 'ridge', params: {}, ...training },
    });
    const { record } = outcome;
    expect(record.features).toEqual([...FEATURE_NAMES, ...expressions]);
    const state = record.final.state;
    expect(state.family === 'ridge' && state.coefficients.length).toBe(FEATURE_COUNT + 2);
    const without = trainModel({
      dataset: plain.dataset,
      dataDigest: 'test',
      clock: systemClock,
      config: { family: 'ridge', params: {}, ...training },
    });
    expect(without.record.version).not.toBe(record.version);

    // A stored record scores the dataset it was fitted on as training did.
    expect(bytes(scoresFromRecord(record, extended.dataset)).equals(bytes(outcome.scores))).toBe(true);
    // A live decision has only the panel: the record's expressions are evaluated again.
    const panel = buildPanel(bars);
    const { decisionRows } = extended.dataset;
    const nSymbols = extended.dataset.nSymbols;
    for (const k of [training.minTrainPeriods + 5, decisionRows.length - 10]) {
      const byScore = scoresForDate(record, panel, panel.days[decisionRows[k]!]!, extended.sectors);
      expect(byScore.size).toBeGreaterThan(0);
      for (const [symbol, score] of byScore) {
        const s = panel.symbols.indexOf(symbol);
        expect(score).toBe(outcome.scores[k * nSymbols + s]);
      }
    }
    // Data without the model's inputs is refused rather than scored with shifted columns.
    expect(() => scoresFromRecord(record, plain.dataset)).toThrow(/features: the model was fitted on/);
  });

  it('project parameters keep expressions with the version and name a bad one by position', () => {
    const ok = projectParamsSchema.parse({ themeIds: [1], model: { expressions: [' ret(126) / vol(63) '] } });
    expect(ok.model.expressions).toEqual(['ret(126) / vol(63)']);
    // Versions saved before expressions existed still parse, with none.
    expect(projectParamsSchema.parse({ themeIds: [1], model: { family: 'ridge', seed: 1 } }).model).toEqual({
      family: 'ridge',
      seed: 1,
      expressions: [],
    });
    const bad = projectParamsSchema.safeParse({
      themeIds: [1],
      model: { expressions: ['ret(60)', 'ret(60) / vol(1)'] },
    });
    expect(bad.success).toBe(false);
    const issue = bad.error!.issues[0]!;
    expect(issue.path).toEqual(['model', 'expressions', 1]);
    expect(issue.message).toMatch(/^at position 14: window must be a whole number from 2/);
  });
});
