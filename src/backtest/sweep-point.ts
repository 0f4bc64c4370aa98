import { performance } from 'node:perf_hooks';
import { signalScores } from '../alpha/expression.js';
import type { WEIGHTING_SCHEMES } from '../portfolio/construction.js';
import type { WeightLimits } from '../risk/weight-limits.js';
import { weightLimitsModel } from '../risk/weight-limits-model.js';
import type { BacktestConfig, BacktestInput, BacktestStats } from './engine.js';
import { simulate } from './engine.js';
import { type Membership, researchInput, restrictToMembership, type SignalResearch } from './prepare.js';
import { simulationHash } from './result-hash-v2.js';
import { ResultColumns } from './run-log.js';

/**
 * One sweep point: what a sweep's worker thread runs, and what a rerun of a row runs. Kept apart from
 * the sweep's scheduling (sweep.ts) so that a worker loads only what a point needs.
 */
export interface SweepPoint {
  signal: string;
  topN: number;
  weighting: (typeof WEIGHTING_SCHEMES)[number];
  maxWeight: number;
  sectorCap: number;
  weekday: number;
}

/** What running a point gives: its row without the point and its hash, which the caller adds. */
export type PointOutcome = Pick<SweepRow, 'stats' | 'benchmarkCagr' | 'resultHash'>;

export interface SweepRow {
  /** Hash of the point, the shared backtest settings and the data: names the point for a rerun. */
  pointHash: string;
  point: SweepPoint;
  stats: BacktestStats;
  benchmarkCagr: number;
  /** `resultHash` of the full result (version 2 since it exists): a rerun of the point must reproduce it. */
  resultHash: string;
}

/**
 * What a project's own backtest applies besides its settings, so each point is decided like it: the
 * risk stage (the project's weight limits, after portfolio construction) and a point-in-time universe.
 * Plain data, so it crosses to the worker threads.
 */
export interface SweepScope {
  risk?: WeightLimits;
  membership?: Readonly<Record<string, Membership>>;
}

/**
 * What a point reads of prepared research data: what `prepareSignalResearch` builds (a sweep's, in
 * shared memory), which full research data (`prepareResearch`, a rerun's) also is.
 */
export type PointResearch = SignalResearch;

/** Where one point's time went, in ms. */
export interface PointTimes {
  /** The whole point. */
  total: number;
  /** Signal scores (0 when another point of the same signal and weekday computed them). */
  scores: number;
  /** The result hash. */
  hash: number;
  /**
   * GC pauses of the point's thread (perf_hooks 'gc' entries), measured in worker threads only: 0 for
   * points run in the caller's thread.
   */
  gc: number;
}

export function newPointTimes(): PointTimes {
  return { total: 0, scores: 0, hash: 0, gc: 0 };
}

/**
 * A point's scores depend on its signal and weekday only, not on the construction parameters most of
 * a grid varies: each thread computes them once per signal and weekday (the grid's order, signal
 * slowest, keeps the few in use at a time in a small cache).
 */
export class ScoreCache {
  private readonly entries = new Map<string, Float64Array>();

  constructor(private readonly capacity = 16) {}

  get(key: string, compute: () => Float64Array): Float64Array {
    let scores = this.entries.get(key);
    if (scores) {
      this.entries.delete(key); // most recently used last
    } else {
      scores = compute();
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, scores);
    return scores;
  }
}

/**
 * `runSweepPoint` on a parsed config with a thread's score cache (one per sweep: the cache key leaves out the data and
 * scope, which a sweep fixes), adding where the time went to `times`.
 */
export function runPoint(
  research: PointResearch,
  point: SweepPoint,
  config: BacktestConfig,
  scope: SweepScope,
  cache: ScoreCache,
  times: PointTimes,
): PointOutcome {
  const start = performance.now();
  const input = pointInput(research, point, scope, cache);
  const scored = performance.now();
  // Statistics and the hash need no trade or holding objects: the run records into the thread's columns.
  const run = simulate(input, config, threadColumns);
  const ran = performance.now();
  const hash = simulationHash(input, run, threadColumns);
  const end = performance.now();
  times.total += end - start;
  times.scores += scored - start;
  times.hash += end - ran;
  return { stats: run.stats, benchmarkCagr: run.benchmark.cagr, resultHash: hash };
}

/** One per thread: grown by the first points, then reused (points run one at a time in a thread). */
const threadColumns = new ResultColumns();

/** A point's backtest input: the cached scores of its signal and weekday, and the scope's risk stage. */
export function pointInput(
  research: PointResearch,
  point: SweepPoint,
  scope: SweepScope,
  cache: ScoreCache,
): BacktestInput {
  const scores = cache.get(scoreKey(point), () => {
    const scored = signalScores(point.signal, research.dataset, research.sectors);
    return scope.membership && Object.keys(scope.membership).length > 0
      ? restrictToMembership(scored, research.panel, research.schedule, scope.membership)
      : scored;
  });
  const { panel, schedule, sectors, volatility } = researchInput(research, scores);
  // Every property named in one literal: a spread gave each point's input a hidden class of its own
  // after a few points, deoptimising the engine's first read of it at every point.
  return {
    panel,
    schedule,
    scores,
    sectors,
    volatility,
    // Validated by the sweep before any point runs (sweep.ts), so a worker applies them without a schema library.
    risk: scope.risk ? weightLimitsModel(scope.risk) : undefined,
  };
}

/** What a worker sends: once loaded, then one row per point. */
export type WorkerReply =
  | { type: 'ready'; at: number }
  | { type: 'row'; index: number; outcome: PointOutcome; times: PointTimes };

/** What a point's scores depend on: its signal and weekday. */
export function scoreKey(point: SweepPoint): string {
  return `${point.weekday}\u0000${point.signal}`;
}
