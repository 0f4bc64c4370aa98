import { existsSync } from 'node:fs';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BuildOptions } from 'esbuild';
import { sha256Hex, writeFileAtomic } from '../sources/alpha/index.js';
import type { WorkerReply } from './sweep-point.js';

/**
 * Sweep worker threads kept between sweeps. A new worker pays for itself before its first point: it
 * loads its modules, and V8 compiles the point's code again in every thread (optimised code is not
 * shared between threads) while the first points run slowly. A server runs sweep after sweep, so its
 * workers are taken from here and given back: the next sweep's points start on compiled code.
 *
 * A worker serves one sweep at a time; `take` starts new ones when none is idle, so concurrent sweeps
 * never wait for each other. Idle workers do not keep the process alive, hold no sweep's data (the
 * sweep's 'done' drops it) and are stopped after `idleMs` without a sweep.
 */
export interface SweepPoolOptions {
  /** Idle workers kept; more are stopped when given back. Default: the machine's parallelism. */
  maxIdle?: number;
  /** Idle workers are stopped after this long without a sweep, ms. Default 5 minutes. */
  idleMs?: number;
}

export interface PooledWorker {
  worker: Worker;
  /** Set when the thread ended: such a worker is never given out again. */
  exited: boolean;
  /** When its modules had loaded (performance.timeOrigin-based ms): a sweep's start-up figure. */
  readyAt: Promise<number>;
}

export class SweepWorkerPool {
  private readonly idle: PooledWorker[] = [];
  private readonly busy = new Set<PooledWorker>();
  private readonly maxIdle: number;
  private readonly idleMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: SweepPoolOptions = {}) {
    this.maxIdle = options.maxIdle ?? availableParallelism();
    this.idleMs = options.idleMs ?? 5 * 60_000;
  }

  /** Idle workers (loaded, compiled by earlier sweeps) and workers starting: for the benchmark. */
  get size(): { idle: number; busy: number } {
    return { idle: this.idle.length, busy: this.busy.size };
  }

  /** `count` workers for one sweep: idle ones first, new ones for the rest. */
  async take(count: number): Promise<PooledWorker[]> {
    if (this.closed) throw new Error('sweep worker pool: closed');
    const entry = await workerEntry();
    clearTimeout(this.idleTimer);
    const taken: PooledWorker[] = [];
    while (taken.length < count) taken.push(this.idle.pop() ?? this.start(entry));
    for (const pooled of taken) {
      pooled.worker.ref();
      this.busy.add(pooled);
    }
    return taken;
  }

  /** A worker whose sweep finished normally: kept for the next sweep, its data dropped. */
  give(pooled: PooledWorker): void {
    if (!this.busy.delete(pooled) || pooled.exited) return;
    if (this.closed || this.idle.length >= this.maxIdle) {
      void pooled.worker.terminate();
      return;
    }
    pooled.worker.postMessage({ type: 'done' });
    pooled.worker.unref();
    this.idle.push(pooled);
    this.armIdleTimer();
  }

  /** A worker that failed, or whose sweep was aborted with a point in flight: stopped. */
  async discard(pooled: PooledWorker): Promise<void> {
    this.busy.delete(pooled);
    const at = this.idle.indexOf(pooled);
    if (at >= 0) this.idle.splice(at, 1);
    await pooled.worker.terminate();
  }

  /** Stops every worker; sweeps running on them fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((pooled) => pooled.worker.terminate()));
  }

  private start(entry: WorkerEntry): PooledWorker {
    const worker = startWorker(entry);
    const readyAt = new Promise<number>((resolve, reject) => {
      const onMessage = (message: WorkerReply) => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        resolve(message.at);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`sweep worker stopped with exit code ${code}`)));
    });
    readyAt.catch(() => undefined); // the sweep sees a failure through its own listeners
    const pooled: PooledWorker = { worker, exited: false, readyAt };
    // An idle worker that stops (out of memory, killed) leaves the pool rather than fail a later sweep.
    worker.once('exit', () => {
      pooled.exited = true;
      const at = this.idle.indexOf(pooled);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return pooled;
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      const stopping = this.idle.splice(0);
      for (const pooled of stopping) void pooled.worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

let shared: SweepWorkerPool | undefined;

/** The process's pool, which sweeps use unless given their own. */
export function sharedSweepPool(): SweepWorkerPool {
  shared ??= new SweepWorkerPool();
  return shared;
}

/** Milliseconds from `since` (a performance.now() of this thread) to a worker's `readyAt`. */
export function startupSince(since: number, readyAt: number): number {
  return Math.max(0, readyAt - (performance.timeOrigin + since));
}

function startWorker(entry: WorkerEntry): Worker {
  // Plain JavaScript needs none of this process's flags: run from source they are tsx's loader, which
  // each worker would register again (~100 ms of CPU per worker, while the data is being prepared).
  if (entry.kind === 'file') return new Worker(entry.url, { execArgv: [] });
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
 * under node_modules so that any package the bundle imports resolves as the source's would (today it
 * imports none: test/research/sweep-worker-graph.test.ts).
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

/** How the worker's source is bundled (test/research/sweep-worker-graph.test.ts inspects the same build). */
export function workerBundleOptions(source: string) {
  return {
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  } satisfies BuildOptions;
}

async function bundleWorker(source: URL): Promise<Bundle> {
  const { build } = await import('esbuild');
  const output = await build(workerBundleOptions(fileURLToPath(source)));
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
