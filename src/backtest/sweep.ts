import { existsSync } from 'node:fs';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import {
  type AlphaDataset,
  buildPanel,
  canonicalJson,
  signalScores,
  validateSignal,
} from '../alpha/index.js';
import { WEIGHTING_SCHEMES } from '../portfolio/index.js';
import { createWeightLimits, type WeightLimits } from '../risk/index.js';
import {
  type AlphaBars,
  type AlphaSeriesReader,
  sha256Hex,
  writeFileAtomic,
} from '../sources/alpha/index.js';
import {
  type BacktestConfigInput,
  type BacktestInput,
  type BacktestStats,
  runBacktest,
  simulate,
} from './engine.js';
import {
  type Membership,
  prepareResearchPanel,
  type ResearchData,
  researchInput,
  restrictToMembership,
} from './prepare.js';
import { type ResultHashVersion, resultHashOf } from './report.js';
import { simulationHash } from './result-hash-v2.js';
import { ResultColumns } from './run-log.js';

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
  /** `resultHash` of the full result (version 2 since it exists): a rerun of the point must reproduce it. */
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
 * What a point reads of prepared research data: all of it but the dataset's feature matrices, which
 * expression signals do not read. A sweep's workers get only this: the rest is not copied into shared
 * memory, and the dataset's lazily ranked `normalized` matrix (a getter, which copying every property
 * would call) is never computed.
 */
export type PointResearch = Omit<ResearchData, 'dataset'> & {
  dataset: Pick<AlphaDataset, 'panel' | 'decisionRows' | 'nSymbols' | 'eligible'>;
};

export function pointResearch(research: ResearchData): PointResearch {
  const { panel, decisionRows, nSymbols, eligible } = research.dataset;
  return {
    panel: research.panel,
    schedule: research.schedule,
    sectors: research.sectors,
    volatility: research.volatility,
    dataset: { panel, decisionRows, nSymbols, eligible },
  };
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
  if (hashVersion === 'v2')
    return runPoint(research, point, base, dataDigest, scope, new ScoreCache(), newPointTimes());
  const result = runBacktest(pointInput(research, point, scope, new ScoreCache()), pointConfig(point, base));
  return {
    pointHash: pointHash(point, base, dataDigest, scope),
    point,
    stats: result.stats,
    benchmarkCagr: result.benchmark.cagr,
    resultHash: resultHashOf(result, 'v1'),
  };
}

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

function newPointTimes(): PointTimes {
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
 * `runSweepPoint` with a thread's score cache (one per sweep: the cache key leaves out the data and
 * scope, which a sweep fixes), adding where the time went to `times`.
 */
export function runPoint(
  research: PointResearch,
  point: SweepPoint,
  base: BacktestConfigInput,
  dataDigest: string,
  scope: SweepScope,
  cache: ScoreCache,
  times: PointTimes,
): SweepRow {
  const start = performance.now();
  const input = pointInput(research, point, scope, cache);
  const scored = performance.now();
  // Statistics and the hash need no trade or holding objects: the run records into the thread's columns.
  const run = simulate(input, pointConfig(point, base), threadColumns);
  const ran = performance.now();
  const hash = simulationHash(input, run, threadColumns);
  const end = performance.now();
  times.total += end - start;
  times.scores += scored - start;
  times.hash += end - ran;
  return {
    pointHash: pointHash(point, base, dataDigest, scope),
    point,
    stats: run.stats,
    benchmarkCagr: run.benchmark.cagr,
    resultHash: hash,
  };
}

/** One per thread: grown by the first points, then reused (points run one at a time in a thread). */
const threadColumns = new ResultColumns();

/** A point's backtest input: the cached scores of its signal and weekday, and the scope's risk stage. */
function pointInput(
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
  return {
    ...researchInput(research, scores),
    risk: scope.risk ? createWeightLimits(scope.risk) : undefined,
  };
}

/** Where a sweep's time went, for the benchmark: what runs once and serially against the points. */
export interface SweepTimings {
  /** The whole sweep, ms. */
  wallMs: number;
  /** Main thread: panel, schedule and features per weekday, and their copy into shared memory. */
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
}

/** What a worker sends: once loaded, then one row per point. */
export type WorkerReply =
  | { type: 'ready'; at: number }
  | { type: 'row'; index: number; row: SweepRow; times: PointTimes };

/** Runs the grid; rows come back in grid order whatever the workers' finishing order. */
export async function runSweep(request: SweepRequest): Promise<SweepRow[]> {
  const started = performance.now();
  const points = expandGrid(request.grid);
  const base = request.base ?? {};
  const scope = request.scope ?? {};
  const workers = Math.min(request.workers ?? availableParallelism(), points.length);
  const rows: SweepRow[] = new Array(points.length);
  let done = 0;
  const { signal } = request;
  // Workers start first: loading their modules overlaps the panel and features built below.
  const entry = workers > 0 ? await workerEntry() : undefined;
  const pool = Array.from({ length: Math.max(0, workers) }, () => startWorker(entry!));
  const startupMs = pool.map(() => 0);
  const pointTimes = pool.map(() => newPointTimes());
  const pointCounts = pool.map(() => 0);
  pool.forEach((worker, w) => {
    // The worker's own clock: this thread only reads the message once the data is prepared.
    worker.once('message', (message: WorkerReply) => {
      if (message.type === 'ready') startupMs[w] = message.at - (performance.timeOrigin + started);
    });
  });
  // Listening from the start: a worker failing to load while the data is prepared rejects the sweep.
  const failures = pool.map(
    (worker) =>
      new Promise<never>((_, reject) => {
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`sweep worker stopped with exit code ${code}`));
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
  try {
    const weekdays = [...new Set(points.map((point) => point.weekday))];
    const researchByWeekday = new Map<number, PointResearch>();
    // Only workers need shared memory; the copy is skipped in this thread.
    const share = workers > 0 ? sharingCopier() : <T>(value: T): T => value;
    // One panel for all weekdays (only the schedule and what follows from it differ): built, and
    // copied into shared memory, once rather than once per weekday.
    const panel = buildPanel(request.bars);
    for (const weekday of weekdays) {
      const research = prepareResearchPanel(panel, request.sectors, { weekday });
      researchByWeekday.set(weekday, share(pointResearch(research)));
    }
    const prepareMs = performance.now() - started;
    if (workers <= 0) {
      const cache = new ScoreCache();
      const times = newPointTimes();
      points.forEach((point, i) => {
        signal?.throwIfAborted();
        rows[i] = runPoint(
          researchByWeekday.get(point.weekday)!,
          point,
          base,
          request.dataDigest,
          scope,
          cache,
          times,
        );
        request.onProgress?.(++done, points.length);
      });
      pointTimes.push(times);
      pointCounts.push(points.length);
      report(prepareMs);
      return rows;
    }

    const research = Object.fromEntries(researchByWeekday);
    const queue = new PointQueue(points, pool.length);
    const work = Promise.all(
      pool.map(
        (worker, w) =>
          new Promise<void>((resolve, reject) => {
            // A point in flight cannot be interrupted; the pool is terminated below instead.
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            const send = () => {
              if (signal?.aborted) return reject(signal.reason);
              const index = queue.take(w);
              if (index === undefined) return resolve();
              worker.postMessage({ type: 'point', index, point: points[index] });
            };
            worker.on('message', (message: WorkerReply) => {
              if (message.type !== 'row') return;
              rows[message.index] = message.row;
              pointTimes[w] = message.times;
              pointCounts[w]! += 1;
              request.onProgress?.(++done, points.length);
              send();
            });
            worker.postMessage({ type: 'init', research, base, dataDigest: request.dataDigest, scope });
            send();
          }),
      ),
    );
    await Promise.race([work, ...failures]);
    report(prepareMs);
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
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

/** What a point's scores depend on: its signal and weekday. */
function scoreKey(point: SweepPoint): string {
  return `${point.weekday}\u0000${point.signal}`;
}

function startWorker(entry: WorkerEntry): Worker {
  if (entry.kind === 'file') return new Worker(entry.url);
  // The last resort from source: register tsx's loader in the worker (~1 s of CPU per worker).
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.url.href)}); });`,
    { eval: true },
  );
}

type WorkerEntry = { kind: 'file' | 'typescript'; url: URL };

/** A worker bundled from source: its file, and its code to write that file again if it was pruned. */
interface Bundle {
  entry: WorkerEntry;
  code?: string;
}

let sourceEntry: Promise<Bundle> | undefined;

/**
 * The worker's code. Built, it is the compiled sweep-worker.js. From source (tsx, tests) it is the
 * worker's TypeScript bundled once per process into one JavaScript file (esbuild, which tsx runs on);
 * loading that takes a third of the CPU time of a worker registering tsx's loader and compiling its
 * modules one by one, and every worker of a sweep pays it while the data is being prepared. Written
 * under node_modules so the bundle's package imports (zod) resolve as the source's do.
 */
async function workerEntry(): Promise<WorkerEntry> {
  if (!import.meta.url.endsWith('.ts'))
    return { kind: 'file', url: new URL('./sweep-worker.js', import.meta.url) };
  const source = new URL('./sweep-worker.ts', import.meta.url);
  sourceEntry ??= bundleWorker(source).catch(() => ({ entry: { kind: 'typescript', url: source } }));
  const { entry, code } = await sourceEntry;
  if (code !== undefined) {
    const file = fileURLToPath(entry.url);
    try {
      // In use now, so other processes' pruning (which spares recent files) leaves it alone; and
      // written again if a process running newer sources pruned it since.
      const now = new Date();
      if (existsSync(file)) await utimes(file, now, now);
      else await writeFileAtomic(file, code);
    } catch {
      return { kind: 'typescript', url: source };
    }
  }
  return entry;
}

const BUNDLE_NAME = /^sweep-worker-[0-9a-f]{16}\.mjs$/;
/** A bundle used this recently may be another process's that is about to start its workers: kept. */
const BUNDLE_GRACE_MS = 60_000;

async function bundleWorker(source: URL): Promise<Bundle> {
  const { build } = await import('esbuild');
  const output = await build({
    entryPoints: [fileURLToPath(source)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = output.outputFiles[0]!.text;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = path.join(root, 'node_modules', '.cache', 'ibloop');
  const name = `sweep-worker-${sha256Hex(code).slice(0, 16)}.mjs`;
  const file = path.join(dir, name);
  if (!existsSync(file)) await writeFileAtomic(file, code);
  await pruneBundles(dir, name);
  return { entry: { kind: 'file', url: pathToFileURL(file) }, code };
}

/**
 * Removes the bundles of other worker sources, once per process: one is written per version of the
 * worker's sources (~90 KB each), and they piled up.
 */
async function pruneBundles(dir: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [])) {
    if (name === keep || !BUNDLE_NAME.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (now - (await stat(file)).mtimeMs > BUNDLE_GRACE_MS) await rm(file, { force: true });
    } catch {
      // Gone already (another process pruned it): nothing to do.
    }
  }
}

/**
 * A function returning copies whose typed arrays live in SharedArrayBuffers, so workers read them in
 * place. An array met twice (the dataset's panel is the research's panel) is copied once: fresh memory
 * is a real share of the serial start.
 */
function sharingCopier(): <T>(value: T) => T {
  const copies = new Map<unknown, unknown>();
  const share = <T>(value: T): T => {
    if (copies.has(value)) return copies.get(value) as T;
    let out: unknown = value;
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const source = value as unknown as Float64Array;
      const Kind = source.constructor as Float64ArrayConstructor;
      const shared = new Kind(new SharedArrayBuffer(source.byteLength));
      shared.set(source);
      out = shared;
    } else if (Array.isArray(value)) out = value.map((item) => share(item));
    else if (value && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) copy[key] = share(inner);
      out = copy;
    }
    if (value && typeof value === 'object') copies.set(value, out);
    return out as T;
  };
  return share;
}

/** Rows sorted by a statistic, best first (smallest first for drawdown, turnover and commissions). */
export function sortSweepRows(rows: readonly SweepRow[], by: keyof BacktestStats): SweepRow[] {
  const ascending = by === 'maxDrawdown' || by === 'turnoverPerRebalance' || by === 'totalCommission';
  return [...rows].sort((a, b) => (ascending ? a.stats[by] - b.stats[by] : b.stats[by] - a.stats[by]));
}
