import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, runSweep } from '../../src/backtest/index.js';
import { PointQueue } from '../../src/backtest/sweep.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

describe('sweep scheduling', () => {
  it('keeps each worker on the points of one signal and weekday, so each key is scored about once', () => {
    // 2 signals x 3 weekdays = 6 score keys of 3 points each, interleaved in grid order (weekday fastest).
    const points = expandGrid({
      signal: ['ret(130, 5)', 'ret(60) / vol(60)'],
      topN: [3, 6, 9],
      weekday: [1, 2, 3],
    });
    const key = (i: number) => `${points[i]!.signal}@${points[i]!.weekday}`;
    const queue = new PointQueue(points, 2);
    const taken: number[][] = [[], []];
    // The workers finish points in turns, as two equally fast workers would.
    for (let w = 0; ; w = 1 - w) {
      const index = queue.take(w);
      if (index === undefined) {
        if (queue.take(1 - w) === undefined) break;
        continue;
      }
      taken[w]!.push(index);
    }
    expect([...taken[0]!, ...taken[1]!].sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
    // Each worker computes the scores of the keys it works on: every key once, none twice.
    const keysOf = (indices: number[]) => [...new Set(indices.map(key))];
    expect(keysOf(taken[0]!)).toHaveLength(3);
    expect(keysOf(taken[1]!)).toHaveLength(3);
    expect(new Set([...keysOf(taken[0]!), ...keysOf(taken[1]!)]).size).toBe(6);
    // Within a key a worker keeps grid order.
    for (const indices of taken) {
      for (const k of keysOf(indices)) {
        const ofKey = indices.filter((i) => key(i) === k);
        expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
      }
    }
  });

  it('shares the last key when the others are done, rather than leave a worker idle', () => {
    const points = expandGrid({ topN: [1, 2, 3, 4, 5, 6] }); // one key
    const queue = new PointQueue(points, 2);
    expect([queue.take(0), queue.take(1), queue.take(1), queue.take(0)]).toEqual([0, 1, 2, 3]);
  });

  it('prunes the worker bundles of other source versions and keeps recent ones', async () => {
    const dir = path.join(process.cwd(), 'node_modules', '.cache', 'ibloop');
    await mkdir(dir, { recursive: true });
    const stale = path.join(dir, 'sweep-worker-00000000deadbeef.mjs');
    const recent = path.join(dir, 'sweep-worker-00000000cafebabe.mjs');
    const other = path.join(dir, 'unrelated-00000000deadbeef.mjs');
    for (const file of [stale, recent, other]) await writeFile(file, 'export {};\n');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    await utimes(other, hourAgo, hourAgo);
    const bars = generateMarket({ seed: 5, symbols: 6, days: 300 });
    const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
    const rows = await runSweep({ bars, sectors, grid: { topN: [2] }, dataDigest: 'test', workers: 1 });
    expect(rows).toHaveLength(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true); // may be another process's, about to start its workers
    expect(existsSync(other)).toBe(true);
    const bundles = (await readdir(dir)).filter((name) => /^sweep-worker-[0-9a-f]{16}\.mjs$/.test(name));
    expect(bundles.length).toBeGreaterThanOrEqual(2); // this run's and the recent one
    for (const file of [recent, other]) await rm(file, { force: true });
  });
});
