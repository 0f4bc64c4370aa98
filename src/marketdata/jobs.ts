/**
 * The long IB data operations as background jobs (`ib.backfill`, `ib.contracts`), and the backfill
 * call the CLI and the server share. Jobs run through the app's JobRunner, so they are listed by the
 * job routes and report progress through its `job.progress` events.
 */
import { createHash } from 'node:crypto';
import type { BrokerContract } from '../brokerage/index.js';
import { msg } from '../contract/messages.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { JobHandle, JobRunner, StartedJob } from '../jobs/index.js';
import { type BackfillOptions, type BackfillProgress, type BackfillResult, runBackfill } from './backfill.js';
import type { IbBarStore } from './bar-store.js';
import type { IbBarSize } from './bars.js';
import type { ResolutionReport } from './contract-cache.js';
import { IB_HISTORICAL_PACING, type PacingRules, RequestPacer, realSleep, type Sleep } from './pacing.js';
import type { IbRuntime } from './runtime.js';
import type { UniverseSelector } from './universe.js';

export type BackfillBarSize = '1d' | '1m';

export function ibBarSizeOf(size: BackfillBarSize): IbBarSize {
  return size === '1d' ? '1 day' : '1 min';
}

export interface BackfillWindow {
  symbols: string[];
  barSize: BackfillBarSize;
  /** First and last day, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

/** The backfill's counts plus the bars now stored per symbol inside the window. */
export interface BackfillReport extends BackfillResult {
  barSize: BackfillBarSize;
  from: string;
  to: string;
  bars: Array<{ symbol: string; bars: number }>;
}

/** What a backfill run is given besides the window; the CLI overrides pacing from its flags. */
export interface BackfillRunOptions {
  brokerage: BackfillOptions['brokerage'];
  store: IbBarStore;
  contract: (symbol: string) => Promise<BrokerContract>;
  clock: Clock;
  wallClock?: Clock;
  pacing?: PacingRules;
  pacer?: RequestPacer;
  pacingBackoffMs?: number;
  maxRetries?: number;
  sleep?: Sleep;
  onProgress?: (progress: BackfillProgress, message: string) => void;
  /** Stops the backfill between chunks; what was stored stays stored. */
  signal?: AbortSignal;
}

/** Defaults shared by `ibloop ib backfill` and the server's backfill job. */
export const BACKFILL_DEFAULTS = {
  pacing: IB_HISTORICAL_PACING,
  pacingBackoffMs: 20_000,
  maxRetries: 8,
} as const;

/** `AAPL 2026-01-05..2026-02-04 (12/80)`: the chunk's sessions inside the window. */
export function backfillProgressMessage(progress: BackfillProgress, from: string, to: string): string {
  const inside = progress.chunk.days.filter((d) => d >= from && d <= to);
  const first = inside[0] ?? progress.chunk.days[0] ?? from;
  const last = inside.at(-1) ?? progress.chunk.days.at(-1) ?? to;
  return `${progress.chunk.symbol} ${first}..${last} (${progress.done}/${progress.total})`;
}

const DAY_MS = 86_400_000;

/** Runs the paced, checkpointed backfill for a window and counts the bars stored per symbol. */
export async function backfillWindow(
  options: BackfillRunOptions,
  window: BackfillWindow,
): Promise<BackfillReport> {
  const size = ibBarSizeOf(window.barSize);
  const result = await runBackfill(
    {
      brokerage: options.brokerage,
      store: options.store,
      contract: options.contract,
      clock: options.clock,
      // Pacing follows real time even when the market clock is simulated.
      wallClock: options.wallClock ?? systemClock,
      pacing: options.pacing ?? BACKFILL_DEFAULTS.pacing,
      ...(options.pacer ? { pacer: options.pacer } : {}),
      pacingBackoffMs: options.pacingBackoffMs ?? BACKFILL_DEFAULTS.pacingBackoffMs,
      maxRetries: options.maxRetries ?? BACKFILL_DEFAULTS.maxRetries,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      onProgress: (p) => options.onProgress?.(p, backfillProgressMessage(p, window.from, window.to)),
      ...(options.signal ? { signal: options.signal } : {}),
    },
    window.symbols,
    size,
    window.from,
    window.to,
  );
  // Daily bars carry 00:00 UTC of their day and minute bars fall inside their UTC day (NYSE hours),
  // so [from 00:00 UTC, the day after `to`) holds exactly the window's bars.
  const fromMs = Date.parse(`${window.from}T00:00:00Z`);
  const toMs = Date.parse(`${window.to}T00:00:00Z`) + DAY_MS;
  const bars = [...new Set(window.symbols.map((s) => s.toUpperCase()))].map((symbol) => ({
    symbol,
    bars: options.store.read(symbol, size, fromMs, toMs).length,
  }));
  return { ...result, barSize: window.barSize, from: window.from, to: window.to, bars };
}

/** The job scope of a universe: one active job per kind and universe. Long lists are hashed. */
export function selectorScope(selector: UniverseSelector, symbols: readonly string[]): string {
  if (selector.project !== undefined) return `project:${selector.project}`;
  if (selector.theme !== undefined) {
    return `theme:${Array.isArray(selector.theme) ? selector.theme.join(',') : selector.theme}`;
  }
  const list = [...new Set(symbols.map((s) => s.toUpperCase()))].sort().join(',');
  // The scope is part of a uniquely indexed key; PostgreSQL limits index entries to ~2.7 kB.
  if (list.length <= 120) return `symbols:${list}`;
  const digest = createHash('sha256').update(list).digest('hex').slice(0, 16);
  return `symbols:${symbols.length}:${digest}`;
}

/** Thrown inside a job's waits once its runtime is gone; the job then fails with this message. */
export class IbJobStopped extends Error {
  constructor() {
    super('interrupted: the IB runtime stopped (server shutdown or IB settings changed)');
    this.name = 'IbJobStopped';
  }
}

export interface IbJobsDeps {
  jobs: Pick<JobRunner, 'start'>;
  clock: Clock;
  wallClock?: Clock;
  /**
   * True once a runtime must no longer be used (the server is stopping, or the runtime was replaced
   * after an IB settings change): waits end early and the job fails instead of retrying for minutes.
   */
  stopped: (runtime: IbRuntime) => boolean;
  pacing?: PacingRules;
  pacingBackoffMs?: number;
  maxRetries?: number;
  /** How often a wait looks at `stopped`. */
  checkEveryMs?: number;
}

export interface BackfillJobRequest extends BackfillWindow {
  scope: string;
  actor: string;
  /** Recorded as the job's params (the selector as the user gave it). */
  params: unknown;
}

export interface ContractsJobRequest {
  symbols: string[];
  scope: string;
  actor: string;
  params: unknown;
  maxAgeDays?: number;
  force?: boolean;
}

/** Starts IB data jobs on a runtime; one request pacer per runtime, shared by its backfills. */
export class IbJobs {
  private readonly pacers = new WeakMap<IbRuntime, RequestPacer>();

  constructor(private readonly deps: IbJobsDeps) {}

  /** Backfill as job `ib.backfill`; a request for a universe with a running backfill joins it. */
  startBackfill(runtime: IbRuntime, request: BackfillJobRequest): Promise<StartedJob> {
    const { symbols, barSize, from, to } = request;
    return this.deps.jobs.start({
      kind: 'ib.backfill',
      scope: `${request.scope}|${barSize}`,
      actor: request.actor,
      params: request.params,
      work: async (job: JobHandle) => {
        const report = await backfillWindow(
          {
            brokerage: runtime.brokerage,
            store: runtime.bars,
            contract: (symbol) => {
              if (this.deps.stopped(runtime)) throw new IbJobStopped();
              return runtime.contracts.require(symbol);
            },
            clock: this.deps.clock,
            wallClock: this.wallClock,
            pacer: this.pacerFor(runtime),
            pacingBackoffMs: this.deps.pacingBackoffMs ?? BACKFILL_DEFAULTS.pacingBackoffMs,
            maxRetries: this.deps.maxRetries ?? BACKFILL_DEFAULTS.maxRetries,
            sleep: this.sleepWhile(runtime),
            onProgress: (p, message) => job.progress(p.total === 0 ? 1 : p.done / p.total, message),
            signal: job.signal,
          },
          { symbols, barSize, from, to },
        );
        if (this.deps.stopped(runtime)) throw new IbJobStopped();
        return {
          result: report,
          resultRef: `ib-bars:${barSize}:${from}..${to}`,
          message:
            report.failures.length > 0
              ? msg('BACKFILL_DONE_WITH_FAILURES', {
                  fetched: report.stored + report.empty,
                  stored: report.skipped,
                  failed: report.failures.length,
                })
              : msg('BACKFILL_DONE', { fetched: report.stored + report.empty, stored: report.skipped }),
        };
      },
    });
  }

  /** Contract refresh as job `ib.contracts`; the result is the resolution report. */
  startContractsRefresh(runtime: IbRuntime, request: ContractsJobRequest): Promise<StartedJob> {
    return this.deps.jobs.start({
      kind: 'ib.contracts',
      scope: request.scope,
      actor: request.actor,
      params: request.params,
      work: async (job: JobHandle) => {
        const report: ResolutionReport = await runtime.contracts.refresh(request.symbols, {
          signal: job.signal,
          ...(request.maxAgeDays !== undefined ? { maxAgeDays: request.maxAgeDays } : {}),
          ...(request.force ? { force: true } : {}),
          onProgress: (done, total, symbol) => {
            if (this.deps.stopped(runtime)) throw new IbJobStopped();
            const fraction = total === 0 ? 1 : done / total;
            job.progress(
              fraction,
              symbol
                ? msg('PROGRESS_SYMBOL', { symbol, done, total })
                : msg('PROGRESS_COUNT', { done, total }),
            );
          },
        });
        return {
          result: report,
          resultRef: `ib-contracts:${report.total}`,
          message: msg('CONTRACTS_RESOLVED', {
            resolved: report.resolved,
            total: report.total,
            unresolved: report.unresolved,
          }),
        };
      },
    });
  }

  private get wallClock(): Clock {
    return this.deps.wallClock ?? systemClock;
  }

  private pacerFor(runtime: IbRuntime): RequestPacer {
    let pacer = this.pacers.get(runtime);
    if (!pacer) {
      pacer = new RequestPacer(
        this.deps.pacing ?? BACKFILL_DEFAULTS.pacing,
        this.wallClock,
        this.sleepWhile(runtime),
      );
      this.pacers.set(runtime, pacer);
    }
    return pacer;
  }

  /** Sleeps in short slices and throws once the runtime stopped, so shutdown is not held up. */
  private sleepWhile(runtime: IbRuntime): Sleep {
    const slice = this.deps.checkEveryMs ?? 250;
    return async (ms) => {
      const until = this.wallClock.nowMs() + ms;
      for (;;) {
        if (this.deps.stopped(runtime)) throw new IbJobStopped();
        const left = until - this.wallClock.nowMs();
        if (left <= 0) return;
        await realSleep(Math.min(slice, left));
      }
    };
  }
}
