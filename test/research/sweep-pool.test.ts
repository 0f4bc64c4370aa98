import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runSweep, type SweepTimings, SweepWorkerPool } from '../../src/backtest/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

const bars = generateMarket({ seed: 43, symbols: 12, days: 500 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const grid = { signal: ['ret(60, 5)', 'ret(40) / vol(40)'], topN: [2, 4, 6] };

const pools: SweepWorkerPool[] = [];
const newPool = (options?: ConstructorParameters<typeof SweepWorkerPool>[0]) => {
  const pool = new SweepWorkerPool(options);
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const sweep = (
  pool: SweepWorkerPool,
  workers: number,
  extra: Partial<Parameters<typeof runSweep>[0]> = {},
) => {
  const timings: SweepTimings[] = [];
  const rows = runSweep({
    bars,
    sectors,
    grid,
    dataDigest: 'pool-test',
    workers,
    pool,
    onTimings: (measured) => timings.push(measured),
    ...extra,
  });
  return { rows, timings };
};

describe('sweep worker pool', () => {
  it('keeps workers loaded between sweeps, and a reused worker gives the same rows', async () => {
    const pool = newPool();
    const first = sweep(pool, 2);
    const firstRows = await first.rows;
    expect(pool.size).toEqual({ idle: 2, busy: 0 });
    expect(first.timings[0]!.startupMs.every((ms) => ms > 0)).toBe(true);
    // The second sweep starts no worker: both come from the pool, loaded (start-up 0).
    const second = sweep(pool, 2);
    expect(await second.rows).toEqual(firstRows);
    expect(second.timings[0]!.startupMs).toEqual([0, 0]);
    // A reused worker starts each sweep with its own data and score cache: other data, other rows.
    const otherBars = generateMarket({ seed: 44, symbols: 12, days: 500 });
    const other = await sweep(pool, 2, { bars: otherBars }).rows;
    const inThread = await sweep(pool, 0, { bars: otherBars }).rows;
    expect(other).toEqual(inThread);
    expect(other.map((row) => row.resultHash)).not.toEqual(firstRows.map((row) => row.resultHash));
  });

  it('stops workers beyond what it keeps idle, and idle workers after the idle time', async () => {
    const pool = newPool({ maxIdle: 1, idleMs: 100 });
    await sweep(pool, 2).rows;
    expect(pool.size).toEqual({ idle: 1, busy: 0 });
    await sleep(400);
    expect(pool.size).toEqual({ idle: 0, busy: 0 });
    // And starts new ones when asked again.
    const again = sweep(pool, 2);
    expect(await again.rows).toHaveLength(6);
    expect(again.timings[0]!.startupMs.every((ms) => ms > 0)).toBe(true);
  });

  it('runs concurrent sweeps on separate workers', async () => {
    const pool = newPool({ maxIdle: 2 });
    const [a, b] = await Promise.all([sweep(pool, 2).rows, sweep(pool, 2).rows]);
    expect(a).toEqual(b);
    expect(pool.size).toEqual({ idle: 2, busy: 0 });
  });

  it('stops the workers of an aborted sweep, and the next sweep runs on new ones', async () => {
    const pool = newPool();
    await sweep(pool, 2).rows; // two idle workers
    const controller = new AbortController();
    const aborted = sweep(pool, 2, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 1) controller.abort(new Error('stop'));
      },
    });
    await expect(aborted.rows).rejects.toThrow('stop');
    // Mid-point workers are not given back: their points might still be running.
    expect(pool.size).toEqual({ idle: 0, busy: 0 });
    const next = sweep(pool, 2);
    expect(await next.rows).toHaveLength(6);
    expect(next.timings[0]!.startupMs.every((ms) => ms > 0)).toBe(true);
  });

  it('takes back workers a sweep never used, and stops those a failing point left', async () => {
    const pool = newPool();
    // Mixed sources: the panel is refused on this thread before any worker gets data.
    const mixed = [...bars.slice(0, 3), { ...bars[3]!, source: 'ib' }] as unknown as typeof bars;
    await expect(sweep(pool, 2, { bars: mixed }).rows).rejects.toThrow(/never mix sources/);
    expect(pool.size).toEqual({ idle: 2, busy: 0 });
    // No bars: the points fail in the workers, which are not given back.
    await expect(sweep(pool, 2, { bars: [] }).rows).rejects.toThrow(/no decision has any score/);
    expect(pool.size).toEqual({ idle: 0, busy: 0 });
    await sweep(pool, 2).rows;
    // And a bad setting or risk limit fails before any worker is taken (workers parse nothing).
    await expect(sweep(pool, 2, { base: { slippageBps: -1 } }).rows).rejects.toThrow(/slippageBps/);
    const risk = { maxPositionWeight: 2, maxSectorWeight: 1, maxGrossExposure: 1 };
    await expect(sweep(pool, 2, { scope: { risk } }).rows).rejects.toThrow(/maxPositionWeight/);
    expect(pool.size).toEqual({ idle: 2, busy: 0 });
  });

  it('drops an idle worker that stopped, and refuses sweeps once closed', async () => {
    const pool = newPool();
    const [taken] = await pool.take(1);
    pool.give(taken!);
    expect(pool.size.idle).toBe(1);
    await taken!.worker.terminate();
    expect(pool.size.idle).toBe(0);
    const [fresh] = await pool.take(1);
    expect(fresh).not.toBe(taken);
    pool.give(fresh!);
    await pool.close();
    expect(pool.size).toEqual({ idle: 0, busy: 0 });
    await expect(sweep(pool, 1).rows).rejects.toThrow(/closed/);
  });
});
