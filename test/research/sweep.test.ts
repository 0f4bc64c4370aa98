import { describe, expect, it } from 'vitest';
import { buildPanel } from '../../src/alpha/index.js';
import {
  expandGrid,
  prepareResearch,
  runSweep,
  runSweepPoint,
  type SweepTimings,
  SweepWorkerPool,
  sortSweepRows,
} from '../../src/backtest/index.js';
import { prepareSignalResearch } from '../../src/backtest/prepare.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

const bars = generateMarket({ seed: 41, symbols: 20, days: 800 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const grid = {
  signal: ['ret(130, 5)', 'ret(60) / vol(60)'],
  topN: [3, 6],
  weighting: ['equal', 'inverse_volatility'] as ('equal' | 'inverse_volatility')[],
  weekday: [1, 3],
};

describe('parameter sweeps', () => {
  it('expands a grid in a fixed order and refuses a bad one naming the field', () => {
    const points = expandGrid(grid);
    expect(points).toHaveLength(16);
    expect(points[0]).toEqual({
      signal: 'ret(130, 5)',
      topN: 3,
      weighting: 'equal',
      maxWeight: 0.1,
      sectorCap: 1,
      weekday: 1,
    });
    expect(points[1]!.weekday).toBe(3);
    expect(() => expandGrid({ topN: [] })).toThrow(/topN/);
    expect(() => expandGrid({ signal: ['ret(5) +'] })).toThrow(/position 8/);
  });

  it('runs the grid in worker threads; each row reproduces alone, bit for bit', async () => {
    const progress: number[] = [];
    const rows = await runSweep({
      bars,
      sectors,
      grid,
      base: { initialCash: 500_000 },
      dataDigest: 'test',
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    expect(rows).toHaveLength(16);
    expect(progress.at(-1)).toBe(16);
    expect(new Set(rows.map((row) => row.pointHash)).size).toBe(16);
    // In-thread gives the same rows as the workers.
    const inThread = await runSweep({
      bars,
      sectors,
      grid,
      base: { initialCash: 500_000 },
      dataDigest: 'test',
      workers: 0,
    });
    expect(inThread).toEqual(rows);
    // A point rerun on its own reproduces its result hash.
    const row = rows[5]!;
    const research = prepareResearch(bars, sectors, { weekday: row.point.weekday });
    expect(runSweepPoint(research, row.point, { initialCash: 500_000 }, 'test').resultHash).toBe(
      row.resultHash,
    );
    const bySharpe = sortSweepRows(rows, 'sharpe');
    expect(bySharpe[0]!.stats.sharpe).toBe(Math.max(...rows.map((r) => r.stats.sharpe)));
    expect(sortSweepRows(rows, 'maxDrawdown')[0]!.stats.maxDrawdown).toBe(
      Math.min(...rows.map((r) => r.stats.maxDrawdown)),
    );
  });
  it('sends the workers what a point reads, without computing the feature matrices', () => {
    const research = prepareResearch(bars, sectors);
    // What a sweep prepares for its workers (in shared memory): the dataset's part that signals read,
    // without the feature matrix, its lazily ranked `normalized`, forward returns or labels.
    const shared = prepareSignalResearch(buildPanel(bars, { shared: true }), sectors, { shared: true });
    expect(Object.keys(shared.dataset).sort()).toEqual(['decisionRows', 'eligible', 'nSymbols', 'panel']);
    const point = expandGrid(grid)[2]!;
    expect(runSweepPoint(shared, point, {}, 'test')).toEqual(runSweepPoint(research, point, {}, 'test'));
  });

  it('gives one worker and two the same rows and hashes, and says where the time went', async () => {
    const timings: SweepTimings[] = [];
    const pool = new SweepWorkerPool();
    const sweep = (workers: number) =>
      runSweep({
        bars,
        sectors,
        grid,
        dataDigest: 'test',
        workers,
        pool,
        onTimings: (measured) => timings.push(measured),
      });
    const one = await sweep(1);
    const two = await sweep(2);
    await pool.close();
    expect(two).toEqual(one);
    expect(two.map((row) => row.resultHash)).toEqual(one.map((row) => row.resultHash));
    const [first, second] = timings;
    expect(first!.points).toEqual([16]);
    expect(second!.points).toHaveLength(2);
    expect(second!.points[0]! + second!.points[1]!).toBe(16);
    // The first sweep started its worker; the second took it from the pool, loaded, and started one more.
    expect(first!.startupMs[0]).toBeGreaterThan(0);
    expect([...second!.startupMs].sort((a, b) => a - b)).toEqual([0, expect.any(Number)]);
    expect(Math.max(...second!.startupMs)).toBeGreaterThan(0);
    expect(Math.max(...second!.startupMs)).toBeLessThan(second!.wallMs);
    // GC pauses are measured in the workers (the benchmark prints them).
    expect([...first!.pointTimes, ...second!.pointTimes].some((times) => times.gc > 0)).toBe(true);
    for (const times of [...first!.pointTimes, ...second!.pointTimes]) {
      expect(times.hash).toBeGreaterThan(0);
      expect(times.scores + times.hash).toBeLessThan(times.total);
    }
  });
});
