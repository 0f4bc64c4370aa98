import { describe, expect, it } from 'vitest';
import { signalScores } from '../../src/alpha/index.js';
import {
  pointConfig,
  prepareResearch,
  researchInput,
  restrictToMembership,
  resultHash,
  resultHashOf,
  runBacktest,
  runSweep,
  runSweepPoint,
  type SweepScope,
} from '../../src/backtest/index.js';
import { createWeightLimits } from '../../src/risk/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

/**
 * A sweep decides each point like a single backtest of the same settings: the same decide, the risk
 * stage included, and the same point-in-time universe. Limits that bind make the risk stage matter.
 */
const bars = generateMarket({ seed: 77, symbols: 24, days: 900 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const grid = {
  signal: ['ret(130, 5)', 'ret(60) / vol(60)'],
  topN: [4, 8],
  maxWeight: [0.3],
  weekday: [2],
};
const base = { initialCash: 750_000, commission: { perShare: 0.005, minimum: 1, maxFraction: 0.01 } };
const scope: SweepScope = {
  risk: { maxPositionWeight: 0.12, maxSectorWeight: 0.3, maxGrossExposure: 0.9 },
  membership: { S003: { from: '2016-01-04' }, S007: { to: '2016-06-30' } },
};

function singleBacktest(signal: string, topN: number) {
  const research = prepareResearch(bars, sectors, { weekday: 2 });
  const scores = restrictToMembership(
    signalScores(signal, research.dataset, research.sectors),
    research.panel,
    research.schedule,
    scope.membership!,
  );
  const point = { signal, topN, weighting: 'equal' as const, maxWeight: 0.3, sectorCap: 1, weekday: 2 };
  return runBacktest(
    { ...researchInput(research, scores), risk: createWeightLimits(scope.risk!) },
    pointConfig(point, base),
  );
}

describe('sweeps apply the risk stage', () => {
  it('a sweep point in a worker equals the single backtest with the same parameters, exactly', async () => {
    const rows = await runSweep({ bars, sectors, grid, base, scope, dataDigest: 'test', workers: 2 });
    expect(rows).toHaveLength(4);
    const row = rows[3]!;
    expect(row.point).toMatchObject({ signal: 'ret(60) / vol(60)', topN: 8 });
    const single = singleBacktest('ret(60) / vol(60)', 8);
    expect(row.stats).toEqual(single.stats);
    expect(row.benchmarkCagr).toBe(single.benchmark.cagr);
    // The worker hashed its columns, never the result's objects: the same hash as the full result's.
    expect(row.resultHash).toMatch(/^v2:/);
    expect(row.resultHash).toBe(resultHash(single));
    // The limits bind: no holding ever weighs more than the risk stage's cap.
    const largest = Math.max(...single.rebalances.flatMap((r) => r.holdings.map((h) => h.weight)));
    expect(largest).toBeLessThan(0.125);
    expect(largest).toBeGreaterThan(0.1);

    // Without the scope the same point is a different backtest, under a different hash.
    const [unscoped] = await runSweep({
      bars,
      sectors,
      grid: { ...grid, signal: ['ret(60) / vol(60)'], topN: [8] },
      base,
      dataDigest: 'test',
      workers: 0,
    });
    expect(unscoped!.stats.totalReturn).not.toBe(row.stats.totalReturn);
    expect(unscoped!.pointHash).not.toBe(row.pointHash);

    // A rerun of the point alone, with the scope, reproduces it bit for bit.
    const research = prepareResearch(bars, sectors, { weekday: 2 });
    const again = runSweepPoint(research, row.point, base, 'test', scope);
    expect(again.resultHash).toBe(row.resultHash);
    expect(again.pointHash).toBe(row.pointHash);

    // A row stored before version 2 reruns in its own version.
    const v1 = runSweepPoint(research, row.point, base, 'test', scope, 'v1');
    expect(v1.resultHash).toBe(resultHashOf(single, 'v1'));
    expect(v1.stats).toEqual(row.stats);
  });
});
