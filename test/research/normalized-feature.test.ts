import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../src/alpha/dataset.js';
import {
  buildPanel,
  FEATURE_COUNT,
  normalizedFeature,
  scoreDecision,
  trainModel,
  weeklySchedule,
} from '../../src/alpha/index.js';
import { modelFromState } from '../../src/alpha/models.js';
import { systemClock } from '../../src/core/clock.js';
import { generateMarket } from './fixtures/market.js';

/**
 * The dataset ranks its normalised features only when they are read, and the rule model reads its one
 * column alone: both must give exactly what ranking the whole matrix gives, and the rule model's
 * training must not build the whole matrix at all (it is most of a large dataset's memory).
 */
const panel = buildPanel(generateMarket({ seed: 11, symbols: 15, days: 900, lateStart: 120 }));
const schedule = weeklySchedule(panel);

describe('normalised features on demand', () => {
  it('one column equals that column of the whole matrix, bit for bit', () => {
    const dataset = buildDataset(panel, schedule.decisionRows, { expressions: ['ret(20) / vol(20)'] });
    const whole = dataset.normalized;
    const width = dataset.nFeatures;
    expect(width).toBe(FEATURE_COUNT + 1);
    for (let f = 0; f < width; f++) {
      const column = normalizedFeature(dataset, f);
      const expected = new Float64Array(column.length);
      for (let i = 0; i < column.length; i++) expected[i] = whole[i * width + f]!;
      expect(column).toEqual(expected);
    }
    expect(() => normalizedFeature(dataset, width)).toThrow(/column/);
  });

  it('scores the rule model from its column exactly as from whole rows', () => {
    const dataset = buildDataset(panel, schedule.decisionRows);
    const rule = modelFromState({ family: 'rule', featureIndex: 3 });
    expect(rule.column).toBe(3);
    // The same model without its column hint takes the row-copying path.
    const byRows = { state: rule.state, score: rule.score };
    const nDecisions = dataset.decisionRows.length;
    let scored = 0;
    for (let k = 0; k < nDecisions; k += 7) {
      const fromColumn = scoreDecision(dataset, k, rule);
      const fromRows = scoreDecision(dataset, k, byRows);
      expect(fromColumn).toEqual(fromRows);
      scored += fromColumn.filter((score) => !Number.isNaN(score)).length;
    }
    expect(scored).toBeGreaterThan(100);
  });

  it('trains the rule model without ranking the whole matrix', () => {
    const dataset = buildDataset(panel, schedule.decisionRows);
    let matrixRead = false;
    const watched = Object.create(dataset, {
      normalized: {
        get: () => {
          matrixRead = true;
          return dataset.normalized;
        },
      },
    });
    const config = { family: 'rule' as const, params: {}, seed: 1, retrainEvery: 52, trainWindow: 156 };
    const { scores } = trainModel({
      dataset: watched,
      dataDigest: 'test',
      clock: systemClock,
      config: { ...config, minTrainPeriods: 0 },
    });
    expect(matrixRead).toBe(false);
    // The same scores as a learning family's path would read from the matrix.
    const expected = new Float64Array(scores.length).fill(Number.NaN);
    const width = dataset.nFeatures;
    const mom26 = 2;
    for (let i = 0; i < scores.length; i++)
      if (dataset.eligible[i]) expected[i] = dataset.normalized[i * width + mom26]!;
    expect(scores).toEqual(expected);
  });
});
