import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { canonicalJson, signalScores, validateSignal } from '../alpha/index.js';
import { WEIGHTING_SCHEMES } from '../portfolio/index.js';
import { createWeightLimits, type WeightLimits } from '../risk/index.js';
import { type AlphaBars, type AlphaSeriesReader, sha256Hex } from '../sources/alpha/index.js';
import { type BacktestConfigInput, type BacktestStats, runBacktest } from './engine.js';
import {
  type Membership,
  prepareResearch,
  type ResearchData,
  researchInput,
  restrictToMembership,
} from './prepare.js';
import { resultHash } from './report.js';

/**
 * Parameter sweeps: a grid of parameter sets backtested as one job, in worker threads that share one
 * loaded panel and feature dataset per rebalance weekday (SharedArrayBuffer: nothing is copied per
 * worker). Each point has a hash of its parameters and data, and its result hash lets anyone rerun it
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

export interface SweepPoint {
  signal: string;
  topN: number;
  weighting: (typeof WEIGHTING_SCHEMES)[number];
  maxWeight: number;
  sectorCap: number;
  weekday: number;
}

export interface SweepRow {
  /** Hash of the point, the shared backtest settings and the data: names the point for a rerun. */
  pointHash: string;
  point: SweepPoint;
  stats: BacktestStats;
  benchmarkCagr: number;
  /** `resultHash` of the full result: a rerun of the point must reproduce it. */
  resultHash: string;
}

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

/**
 * What a project's own backtest applies besides its settings, so each point is decided like it: the
 * risk stage (the project's weight limits, after portfolio construction) and a point-in-time universe.
 * Plain data, so it crosses to the worker threads.
 */
export interface SweepScope {
  risk?: WeightLimits;
  membership?: Readonly<Record<string, Membership>>;
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
 */
export function runSweepPoint(
  research: ResearchData,
  point: SweepPoint,
  base: BacktestConfigInput,
  dataDigest: string,
  scope: SweepScope = {},
): SweepRow {
  let scores = signalScores(point.signal, research.dataset, research.sectors);
  if (scope.membership && Object.keys(scope.membership).length > 0)
    scores = restrictToMembership(scores, research.panel, research.schedule, scope.membership);
  const result = runBacktest(
    { ...researchInput(research, scores), risk: scope.risk ? createWeightLimits(scope.risk) : undefined },
    pointConfig(point, base),
  );
  return {
    pointHash: pointHash(point, base, dataDigest, scope),
    point,
    stats: result.stats,
    benchmarkCagr: result.benchmark.cagr,
    resultHash: resultHash(result),
  };
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
  /** Aborting stops handing out points, stops the workers and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Runs the grid; rows come back in grid order whatever the workers' finishing order. */
export async function runSweep(request: SweepRequest): Promise<SweepRow[]> {
  const points = expandGrid(request.grid);
  const base = request.base ?? {};
  const scope = request.scope ?? {};
  const weekdays = [...new Set(points.map((point) => point.weekday))];
  const researchByWeekday = new Map<number, ResearchData>();
  for (const weekday of weekdays)
    researchByWeekday.set(
      weekday,
      shareTypedArrays(prepareResearch(request.bars, request.sectors, { weekday })),
    );
  const workers = Math.min(request.workers ?? availableParallelism(), points.length);
  const rows: SweepRow[] = new Array(points.length);
  let done = 0;
  const { signal } = request;
  if (workers <= 0) {
    points.forEach((point, i) => {
      signal?.throwIfAborted();
      rows[i] = runSweepPoint(researchByWeekday.get(point.weekday)!, point, base, request.dataDigest, scope);
      request.onProgress?.(++done, points.length);
    });
    return rows;
  }

  const research = Object.fromEntries(researchByWeekday);
  let next = 0;
  const pool = Array.from({ length: workers }, () => startWorker());
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // A point in flight cannot be interrupted; the pool is terminated below instead.
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            const send = () => {
              if (signal?.aborted) return reject(signal.reason);
              if (next >= points.length) return resolve();
              const index = next++;
              worker.postMessage({ type: 'point', index, point: points[index] });
            };
            worker.on('message', (message: { type: 'row'; index: number; row: SweepRow }) => {
              rows[message.index] = message.row;
              request.onProgress?.(++done, points.length);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`sweep worker stopped with exit code ${code}`));
            });
            worker.postMessage({ type: 'init', research, base, dataDigest: request.dataDigest, scope });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return rows;
}

function startWorker(): Worker {
  const built = new URL('./sweep-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(built);
  // From source (tsx, tests) the worker is TypeScript: register tsx's loader in the worker first.
  const source = new URL('./sweep-worker.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`,
    { eval: true },
  );
}

/** A copy of `value` whose typed arrays live in SharedArrayBuffers, so workers read them in place. */
function shareTypedArrays<T>(value: T): T {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const source = value as unknown as Float64Array;
    const Kind = source.constructor as Float64ArrayConstructor;
    const shared = new Kind(new SharedArrayBuffer(source.byteLength));
    shared.set(source);
    return shared as unknown as T;
  }
  if (Array.isArray(value)) return value.map((item) => shareTypedArrays(item)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = shareTypedArrays(inner);
    return out as T;
  }
  return value;
}

/** Rows sorted by a statistic, best first (smallest first for drawdown, turnover and commissions). */
export function sortSweepRows(rows: readonly SweepRow[], by: keyof BacktestStats): SweepRow[] {
  const ascending = by === 'maxDrawdown' || by === 'turnoverPerRebalance' || by === 'totalCommission';
  return [...rows].sort((a, b) => (ascending ? a.stats[by] - b.stats[by] : b.stats[by] - a.stats[by]));
}
