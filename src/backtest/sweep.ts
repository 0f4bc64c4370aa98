import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { buildPanel, canonicalJson, validateSignal } from '../alpha/index.js';
import { WEIGHTING_SCHEMES } from '../portfolio/index.js';
import { weightLimitsSchema } from '../risk/weight-limits.js';
import { type AlphaBars, type AlphaSeriesReader, sha256Hex } from '../sources/alpha/index.js';
import { backtestConfigSchema } from './config-schema.js';
import type { BacktestConfigInput, BacktestResult, BacktestStats } from './engine.js';
import { prepareSignalResearch } from './prepare.js';
import { type ResultHashVersion, resultHashOf } from './report.js';
import { runBacktest } from './run-backtest.js';
import {
  newPointTimes,
  type PointOutcome,
  type PointResearch,
  type PointTimes,
  pointInput,
  runPoint,
  ScoreCache,
  type SweepPoint,
  type SweepRow,
  type SweepScope,
  scoreKey,
  type WorkerReply,
} from './sweep-point.js';
import { type SweepWorkerPool, sharedSweepPool, startupSince } from './sweep-pool.js';

/**
 * Parameter sweeps: a grid of parameter sets backtested as one job, in worker threads that share one
 * loaded panel and what a signal reads of the dataset per rebalance weekday (SharedArrayBuffer:
 * nothing is copied per worker). Each point has a hash of its parameters and data, and its result hash lets anyone rerun it
 * alone and get the same result bit for bit.
 *
 * Caveat the callers must state: the best of many backtests is optimistic (multiple testing); its
 * statistics overstate what the same parameters will do out of sample.
 */
const signalSchema = z.string().superRefine((text, context) => {
  try {
    validateSignal(text);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

export const sweepGridSchema = z
  .object({
    signal: z.array(signalSchema).min(1).default(['ret(130, 5)']),
    topN: z.array(z.number().int().min(1).max(10_000)).min(1).default([20]),
    weighting: z.array(z.enum(WEIGHTING_SCHEMES)).min(1).default(['equal']),
    maxWeight: z.array(z.number().gt(0).max(1)).min(1).default([0.1]),
    sectorCap: z.array(z.number().gt(0).max(1)).min(1).default([1]),
    weekday: z.array(z.number().int().min(1).max(5)).min(1).default([1]),
  })
  .strict();
export type SweepGrid = z.infer<typeof sweepGridSchema>;
export type SweepGridInput = z.input<typeof sweepGridSchema>;

export const MAX_SWEEP_POINTS = 1000;

/** Every combination, in a fixed order (signal slowest, weekday fastest). */
export function expandGrid(input: SweepGridInput): SweepPoint[] {
  const grid = sweepGridSchema.parse(input);
  const points: SweepPoint[] = [];
  for (const signal of grid.signal)
    for (const topN of grid.topN)
      for (const weighting of grid.weighting)
        for (const maxWeight of grid.maxWeight)
          for (const sectorCap of grid.sectorCap)
            for (const weekday of grid.weekday)
              points.push({ signal, topN, weighting, maxWeight, sectorCap, weekday });
  if (points.length > MAX_SWEEP_POINTS)
    throw new Error(`grid: ${points.length} points, at most ${MAX_SWEEP_POINTS}`);
  return points;
}

/** The backtest settings of one point on top of the sweep's shared ones. */
export function pointConfig(point: SweepPoint, base: BacktestConfigInput): BacktestConfigInput {
  return {
    ...base,
    signal: point.signal,
    construction: {
      ...base.construction,
      topN: point.topN,
      weighting: point.weighting,
      maxWeight: point.maxWeight,
      sectorCap: point.sectorCap,
    },
  };
}

export function pointHash(
  point: SweepPoint,
  base: BacktestConfigInput,
  dataDigest: string,
  scope: SweepScope = {},
): string {
  // Without a scope the hash is what it was before scopes existed, so older sweeps still rerun.
  const { risk, membership } = scope;
  return sha256Hex(
    canonicalJson({
      point,
      base,
      dataDigest,
      ...(risk ? { risk } : {}),
      ...(membership && Object.keys(membership).length > 0 ? { membership } : {}),
    }),
  );
}

/**
 * Runs one point on prepared research data (what each worker does, and what a rerun does): the same
 * backtest, decide and risk stage as a single backtest of these settings, so the two agree exactly.
 * `hashVersion`: the result hash's version, 'v1' to rerun a row stored before version 2 existed
 * (`resultHashVersion(row.resultHash)`); that builds the full result to hash its canonical JSON.
 */
export function runSweepPoint(
  research: PointResearch,
  point: SweepPoint,
  base: BacktestConfigInput,
  dataDigest: string,
  scope: SweepScope = {},
  hashVersion: ResultHashVersion = 'v2',
): SweepRow {
  if (scope.risk) weightLimitsSchema.parse(scope.risk); // as runSweep does
  const config = backtestConfigSchema.parse(pointConfig(point, base));
  const outcome =
    hashVersion === 'v2'
      ? runPoint(research, point, config, scope, new ScoreCache(), newPointTimes())
      : v1Outcome(runBacktest(pointInput(research, point, scope, new ScoreCache()), config));
  return pointRow(point, base, dataDigest, scope, outcome);
}

function v1Outcome(result: BacktestResult): PointOutcome {
  return {
    stats: result.stats,
    benchmarkCagr: result.benchmark.cagr,
    resultHash: resultHashOf(result, 'v1'),
  };
}

/** A point's row: what running it gave, named by the point's hash (the stored rows' key order). */
function pointRow(
  point: SweepPoint,
  base: BacktestConfigInput,
  dataDigest: string,
  scope: SweepScope,
  outcome: PointOutcome,
): SweepRow {
  const { stats, benchmarkCagr, resultHash } = outcome;
  return { pointHash: pointHash(point, base, dataDigest, scope), point, stats, benchmarkCagr, resultHash };
}

/** Where a sweep's time went, for the benchmark: what runs once and serially against the points. */
export interface SweepTimings {
  /** The whole sweep, ms. */
  wallMs: number;
  /**
   * Main thread: the settings parsed, workers taken, the panel and what points read per weekday
   * (schedule, eligibility, volatility), built in shared memory when workers read it.
   */
  prepareMs: number;
  /** Per worker: from the sweep's start until the worker's modules were loaded (overlaps `prepareMs`). */
  startupMs: number[];
  /** Per worker (one entry in this thread without workers): its points and what they took. */
  points: number[];
  pointTimes: PointTimes[];
}

export interface SweepRequest {
  bars: readonly AlphaBars[] | AlphaSeriesReader;
  sectors?: Readonly<Record<string, { sector: string }>>;
  grid: SweepGridInput;
  /** Shared settings (cash, costs, window); the grid sets construction, signal and weekday. */
  base?: BacktestConfigInput;
  dataDigest: string;
  /** The project's risk stage and point-in-time membership, as its own backtest applies them. */
  scope?: SweepScope;
  /** Worker threads; 0 runs in this thread. Default: the machine's parallelism, at most the points. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called once the sweep finished, with where its time went. */
  onTimings?: (timings: SweepTimings) => void;
  /** Aborting stops handing out points, stops the workers and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Where the worker threads come from and go back to. Default: the process's shared pool. */
  pool?: SweepWorkerPool;
}

/** Runs the grid; rows come back in grid order whatever the workers' finishing order. */
export async function runSweep(request: SweepRequest): Promise<SweepRow[]> {
  const started = performance.now();
  const points = expandGrid(request.grid);
  const base = request.base ?? {};
  const scope = request.scope ?? {};
  // Workers apply the limits as given (they load no schema library): a bad limit fails here, before any point.
  if (scope.risk) weightLimitsSchema.parse(scope.risk);
  // Parsed here, once per point: a bad setting fails the sweep before any work, and the workers
  // receive configs they need not parse (so they load no schema library).
  const configs = points.map((point) => backtestConfigSchema.parse(pointConfig(point, base)));
  const workers = Math.min(request.workers ?? availableParallelism(), points.length);
  const rows: SweepRow[] = new Array(points.length);
  let done = 0;
  const { signal } = request;
  const finish = (i: number, outcome: PointOutcome): void => {
    rows[i] = pointRow(points[i]!, base, request.dataDigest, scope, outcome);
    request.onProgress?.(++done, points.length);
  };
  // Workers are taken first: new ones load their modules while the panel and features are built below.
  const pool = request.pool ?? sharedSweepPool();
  const lease = workers > 0 ? await pool.take(workers) : [];
  const startupMs = lease.map(() => 0);
  for (const [w, { readyAt }] of lease.entries())
    readyAt.then((at) => (startupMs[w] = startupSince(started, at))).catch(() => undefined);
  const pointTimes = lease.map(() => newPointTimes());
  const pointCounts = lease.map(() => 0);
  // Listening from the start: a worker failing while the data is prepared rejects the sweep. Removed
  // when the sweep ends, so that a worker given back to the pool carries no listener of this sweep.
  const cleanups: (() => void)[] = [];
  const failures = lease.map(
    ({ worker }) =>
      new Promise<never>((_, reject) => {
        const onExit = (code: number) => reject(new Error(`sweep worker stopped with exit code ${code}`));
        worker.on('error', reject);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('error', reject);
          worker.off('exit', onExit);
        });
      }),
  );
  for (const failure of failures) failure.catch(() => undefined); // seen through the race below
  const report = (prepareMs: number) =>
    request.onTimings?.({
      wallMs: performance.now() - started,
      prepareMs,
      startupMs,
      points: pointCounts,
      pointTimes,
    });
  let healthy = false;
  const sent = new Set<number>(); // workers that received this sweep's data
  try {
    const weekdays = [...new Set(points.map((point) => point.weekday))];
    const researchByWeekday = new Map<number, PointResearch>();
    // Workers read the data in place: it is built straight into shared memory for them rather than
    // copied there, since fresh memory is most of this serial start. One panel for all weekdays (only
    // the schedule and what follows from it differ), and per weekday only what a point reads.
    const shared = workers > 0;
    const panel = buildPanel(request.bars, { shared });
    for (const weekday of weekdays)
      researchByWeekday.set(weekday, prepareSignalResearch(panel, request.sectors, { weekday, shared }));
    const prepareMs = performance.now() - started;
    if (workers <= 0) {
      const cache = new ScoreCache();
      const times = newPointTimes();
      points.forEach((point, i) => {
        signal?.throwIfAborted();
        finish(i, runPoint(researchByWeekday.get(point.weekday)!, point, configs[i]!, scope, cache, times));
      });
      pointTimes.push(times);
      pointCounts.push(points.length);
      report(prepareMs);
      return rows;
    }

    const research = Object.fromEntries(researchByWeekday);
    const queue = new PointQueue(points, lease.length);
    const work = Promise.all(
      lease.map(
        ({ worker }, w) =>
          new Promise<void>((resolve, reject) => {
            // A point in flight cannot be interrupted; its worker is stopped below instead.
            const onAbort = () => reject(signal!.reason);
            signal?.addEventListener('abort', onAbort, { once: true });
            const send = () => {
              if (signal?.aborted) return reject(signal.reason);
              const index = queue.take(w);
              if (index === undefined) return resolve();
              worker.postMessage({ type: 'point', index, point: points[index], config: configs[index] });
            };
            const onMessage = (message: WorkerReply) => {
              if (message.type !== 'row') return;
              pointTimes[w] = message.times;
              pointCounts[w]! += 1;
              finish(message.index, message.outcome);
              send();
            };
            worker.on('message', onMessage);
            cleanups.push(() => {
              worker.off('message', onMessage);
              signal?.removeEventListener('abort', onAbort);
            });
            worker.postMessage({ type: 'init', research, scope });
            sent.add(w);
            send();
          }),
      ),
    );
    await Promise.race([work, ...failures]);
    healthy = true;
    report(prepareMs);
  } finally {
    for (const cleanup of cleanups) cleanup();
    // Workers that finished every point they were sent go back, and those never sent anything (the
    // preparation failed); the others may be mid-point, and a failed one has stopped already.
    await Promise.all(
      lease.map((pooled, w) => (healthy || !sent.has(w) ? pool.give(pooled) : pool.discard(pooled))),
    );
  }
  return rows;
}

/**
 * Hands out a grid's points to the workers, each keeping to the points of one score-cache key (signal
 * and weekday) while it lasts, so that each key's scores are computed about once in all rather than
 * once per worker. A worker whose key is done moves to the key with the most points left that no
 * worker is on, else joins the one with the most left (computing that key's scores a second time).
 */
export class PointQueue {
  /** Point indices per key, in grid order. */
  private readonly groups: number[][];
  private readonly current: (number[] | undefined)[];

  constructor(points: readonly SweepPoint[], workers: number) {
    const byKey = new Map<string, number[]>();
    points.forEach((point, i) => {
      const key = scoreKey(point);
      const group = byKey.get(key);
      if (group) group.push(i);
      else byKey.set(key, [i]);
    });
    this.groups = [...byKey.values()];
    this.current = new Array(workers).fill(undefined);
  }

  /** The next point for worker `w`, or undefined when all were handed out. */
  take(w: number): number | undefined {
    let group = this.current[w];
    if (!group || group.length === 0) {
      group = this.largest(false) ?? this.largest(true);
      this.current[w] = group;
    }
    return group?.shift();
  }

  private largest(shared: boolean): number[] | undefined {
    let best: number[] | undefined;
    for (const group of this.groups) {
      if (group.length === 0 || (!shared && this.current.includes(group))) continue;
      if (!best || group.length > best.length) best = group;
    }
    return best;
  }
}

/** Rows sorted by a statistic, best first (smallest first for drawdown, turnover and commissions). */
export function sortSweepRows(rows: readonly SweepRow[], by: keyof BacktestStats): SweepRow[] {
  const ascending = by === 'maxDrawdown' || by === 'turnoverPerRebalance' || by === 'totalCommission';
  return [...rows].sort((a, b) => (ascending ? a.stats[by] - b.stats[by] : b.stats[by] - a.stats[by]));
}
