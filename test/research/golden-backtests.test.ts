import { describe, expect, it } from 'vitest';
import { resultHash } from '../../src/backtest/index.js';
import { GOLDEN_SCENARIOS, goldenFigures, runScenario } from './fixtures/scenarios.js';

/**
 * Golden backtests (after Lean's regression algorithms): pinned statistics of fixed scenarios on seeded
 * generated markets. A change to features, models, construction, sizing, costs or the engine that
 * moves any figure fails here; if the change is intended, re-pin the figures in the same commit and
 * say why in its message.
 */
const PINNED: Record<string, Record<string, number>> = {
  'rule-momentum-top5-equal': {
    finalEquity: 2183294.051,
    cagr: 0.3853360453,
    volatility: 0.1595508264,
    sharpe: 2.05404408,
    sortino: 3.223225954,
    maxDrawdown: 0.1208899158,
    turnoverPerRebalance: 0.1622270104,
    hitRate: 0.5564516129,
    totalCommission: 5885.471442,
    rebalances: 125,
    trades: 715,
    benchmarkCagr: 0.07657043942,
  },
  'ridge-score-sectorcap-turnover-close': {
    finalEquity: 1181598.631,
    cagr: 0.07213886586,
    volatility: 0.121506253,
    sharpe: 0.614395588,
    sortino: 0.9110148308,
    maxDrawdown: 0.1245042958,
    turnoverPerRebalance: 0.2890866236,
    hitRate: 0.5241935484,
    totalCommission: 6247.308533,
    rebalances: 125,
    trades: 2331,
    benchmarkCagr: 0.08662423901,
  },
  'gbt-invvol-lots-minorder': {
    finalEquity: 290087.7515,
    cagr: 0.06404857374,
    volatility: 0.1312379401,
    sharpe: 0.5225010647,
    sortino: 0.7491278954,
    maxDrawdown: 0.1277792216,
    turnoverPerRebalance: 0.5192852194,
    hitRate: 0.5322580645,
    totalCommission: 2972.15,
    rebalances: 125,
    trades: 1012,
    benchmarkCagr: 0.0772286221,
  },
};

describe('golden backtests', () => {
  for (const scenario of GOLDEN_SCENARIOS) {
    it(`${scenario.name}: statistics match the pinned figures`, () => {
      const { result, modelVersion } = runScenario(scenario);
      expect(goldenFigures(result)).toEqual(PINNED[scenario.name]);
      expect(result.config.modelVersion).toBe(modelVersion);
      expect(result.config.projectVersion).toBe(`golden-${scenario.name}`);
    });
  }

  it('a rerun of a scenario is identical bit for bit', () => {
    const scenario = GOLDEN_SCENARIOS[2]!;
    expect(resultHash(runScenario(scenario).result)).toBe(resultHash(runScenario(scenario).result));
  });
});
