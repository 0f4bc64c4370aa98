import { describe, expect, it } from 'vitest';
import {
  constructionParamsSchema,
  constructWeights,
  createConstructionModel,
  createTargetRecord,
} from '../../src/portfolio/index.js';

const symbols = ['A', 'B', 'C', 'D', 'E', 'F'];
const scores = Float64Array.of(6, 5, 4, 3, 2, Number.NaN);
const params = (overrides: object) =>
  constructionParamsSchema.parse({ maxWeight: 1, cashBuffer: 0, ...overrides });
const sum = (weights: Float64Array) => weights.reduce((a, b) => a + b, 0);

describe('portfolio construction', () => {
  it('equal-weights the top N and keeps the cash buffer', () => {
    const weights = constructWeights({ symbols, scores }, params({ topN: 4, cashBuffer: 0.2 }));
    expect(Array.from(weights)).toEqual([0.2, 0.2, 0.2, 0.2, 0, 0]);
  });

  it('weights by score rank', () => {
    const weights = constructWeights({ symbols, scores }, params({ topN: 3, weighting: 'score' }));
    expect(Array.from(weights.subarray(0, 3)).map((w) => w * 6)).toEqual(
      [3, 2, 1].map((x) => expect.closeTo(x, 12)),
    );
  });

  it('weights by inverse volatility', () => {
    const volatility = Float64Array.of(0.1, 0.2, 0.4, 1, 1, 1);
    const weights = constructWeights(
      { symbols, scores, volatility },
      params({ topN: 3, weighting: 'inverse_volatility' }),
    );
    expect(weights[0]! / weights[1]!).toBeCloseTo(2, 12);
    expect(weights[1]! / weights[2]!).toBeCloseTo(2, 12);
    expect(sum(weights)).toBeCloseTo(1, 12);
  });

  it('caps single names and redistributes the excess', () => {
    const volatility = Float64Array.of(0.01, 1, 1, 1, 1, 1);
    const weights = constructWeights(
      { symbols, scores, volatility },
      params({ topN: 5, weighting: 'inverse_volatility', maxWeight: 0.3 }),
    );
    expect(weights[0]).toBeCloseTo(0.3, 12);
    expect(Math.max(...weights)).toBeLessThanOrEqual(0.3 + 1e-12);
    expect(sum(weights)).toBeCloseTo(1, 12);
  });

  it('caps sectors; what nobody can absorb stays cash', () => {
    const sectors = ['X', 'X', 'X', 'Y', 'Y', 'Y'];
    const weights = constructWeights({ symbols, scores, sectors }, params({ topN: 5, sectorCap: 0.4 }));
    expect(weights[0]! + weights[1]! + weights[2]!).toBeCloseTo(0.4, 12);
    expect(weights[3]! + weights[4]!).toBeCloseTo(0.4, 12);
    expect(sum(weights)).toBeCloseTo(0.8, 12);
  });

  it('limits one-way turnover against the previous weights', () => {
    const previousWeights = Float64Array.of(0, 0, 0, 0, 0.5, 0.5);
    const weights = constructWeights(
      { symbols, scores, previousWeights },
      params({ topN: 2, turnoverLimit: 0.25 }),
    );
    let turnover = 0;
    for (let i = 0; i < 6; i++) turnover += Math.abs(weights[i]! - previousWeights[i]!);
    expect(turnover / 2).toBeCloseTo(0.25, 12);
    expect(weights[0]).toBeCloseTo(0.125, 12);
    expect(weights[5]).toBeCloseTo(0.375, 12);
  });

  it('offers a symbol-keyed form through the one-method interface', () => {
    const model = createConstructionModel({ topN: 2, maxWeight: 0.5, cashBuffer: 0 });
    const record = createTargetRecord(
      model,
      new Map([
        ['X', 1],
        ['Y', 3],
        ['Z', 2],
      ]),
    );
    expect(record).toEqual({ Y: 0.5, Z: 0.5 });
  });
});
