/**
 * Historical backfill: daily and minute IB bars for a window, fetched chunk by chunk under IB's
 * pacing rules, with a chunk file as the checkpoint. A chunk is a calendar year of daily bars or a
 * calendar week (Monday key) of minute bars; a complete chunk on disk is never fetched again, so a
 * killed run resumes where it stopped. On a pacing error (162) the chunk is retried after a backoff.
 */
import type { Brokerage, BrokerBar, BrokerContract } from '../brokerage/index.js';
import {
  BrokerRequestError,
  BrokerTimeoutError,
  BrokerUnavailableError,
  brokerFailureReason,
} from '../brokerage/index.js';
import { dayNumber, dayString, session, tradingDays } from '../calendar/index.js';
import type { IbReason } from '../contract/ib.js';
import { untilAborted } from '../core/abort.js';
import { inBatches } from '../core/batches.js';
import type { Clock } from '../core/clock.js';
import type { BarAudit } from './audit.js';
import type { IbBarStore } from './bar-store.js';
import { type IbBarSize, ibBarsFromRows } from './bars.js';
import { type PacingRules, RequestPacer, realSleep, type Sleep } from './pacing.js';

export interface BackfillChunk {
  symbol: string;
  barSize: IbBarSize;
  key: string;
  /** Sessions of the chunk (YYYY-MM-DD), oldest first. */
  days: string[];
}

/** The chunks covering [from, to] (YYYY-MM-DD, inclusive), only those with a session started by now. */
export function planChunks(
  symbols: string[],
  barSize: IbBarSize,
  from: string,
  to: string,
  nowMs: number,
): BackfillChunk[] {
  const days = tradingDays(from, to).filter((d) => {
    const s = session(d);
    return s !== undefined && s.openMs <= nowMs;
  });
  const groups = new Map<string, string[]>();
  for (const day of days) {
    const key = barSize === '1 day' ? day.slice(0, 4) : mondayOf(day);
    const list = groups.get(key) ?? [];
    list.push(day);
    groups.set(key, list);
  }
  const out: BackfillChunk[] = [];
  for (const symbol of symbols) {
    for (const [key, chunkDays] of groups) {
      // The chunk covers its whole year/week, not only the window's part, so it is the same file
      // whatever window asked for it.
      const all = barSize === '1 day' ? tradingDays(`${key}-01-01`, `${key}-12-31`) : weekDays(key);
      out.push({ symbol: symbol.toUpperCase(), barSize, key, days: all.length > 0 ? all : chunkDays });
    }
  }
  return out;
}

function mondayOf(day: string): string {
  const n = dayNumber(day);
  const weekday = new Date(n * 86_400_000).getUTCDay(); // 0 = Sunday
  return dayString(n - ((weekday + 6) % 7));
}

function weekDays(monday: string): string[] {
  const n = dayNumber(monday);
  return tradingDays(monday, dayString(n + 4));
}

export interface BackfillProgress {
  done: number;
  total: number;
  chunk: BackfillChunk;
  outcome: 'skipped' | 'stored' | 'empty' | 'failed';
}

export interface BackfillResult {
  source: 'ib';
  chunks: number;
  skipped: number;
  requested: number;
  stored: number;
  empty: number;
  pacingRetries: number;
  /** `reasonCode`: the broker's failure as a code the UI renders (src/brokerage/port.ts). */
  failures: Array<{ symbol: string; key: string; error: string; reasonCode?: IbReason }>;
}

export interface BackfillOptions {
  brokerage: Pick<Brokerage, 'history'>;
  store: IbBarStore;
  contract: (symbol: string) => Promise<BrokerContract>;
  clock: Clock;
  /** Wall clock for pacing (the market clock may be simulated). */
  wallClock: Clock;
  pacing: PacingRules;
  /** Share one pacer between runs of a process so a new run knows the requests of the last one. */
  pacer?: RequestPacer;
  /** First wait after a 162 pacing violation; doubles per retry of the same chunk. */
  pacingBackoffMs: number;
  maxRetries: number;
  sleep?: Sleep;
  onProgress?: (progress: BackfillProgress) => void;
  /**
   * Requests in flight at once (default 1). The pacer still spaces them under IB's rules; more than
   * one only stops each request's round trip from adding up when the rules leave room.
   */
  concurrency?: number;
  /** Called before every request (a request log, a counter). */
  onRequest?: (chunk: BackfillChunk) => void;
  /**
   * Stops the run between chunks (and during pacing waits) by throwing the abort reason. A request
   * already sent is awaited and its chunk stored, so no answer IB paced us for is thrown away.
   */
  signal?: AbortSignal;
}

function isPacing(error: unknown): boolean {
  return error instanceof BrokerRequestError && error.code === 162 && /pacing/i.test(error.message);
}

function isNoData(error: unknown): boolean {
  return error instanceof BrokerRequestError && error.code === 162 && /no data/i.test(error.message);
}

/**
 * One historical request under the pacer, retried after a backoff on a pacing violation or while
 * the connection manager reconnects. IB's "no data" answer is an empty list, not an error.
 */
async function pacedBars(
  options: BackfillOptions,
  pacer: RequestPacer,
  result: BackfillResult,
  contract: BrokerContract,
  request: { endMs: number; duration: string; barSize: IbBarSize },
  onRequest?: () => void,
): Promise<BrokerBar[]> {
  const signal = options.signal;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    // A pacer wait can last minutes; a cancelled run leaves it (the pacer may then count one
    // request that was never sent, which only makes it more careful).
    await untilAborted(pacer.acquire(`${contract.conId}`), signal);
    signal?.throwIfAborted();
    result.requested += 1;
    onRequest?.();
    try {
      return await options.brokerage.history.bars({
        contract,
        endMs: request.endMs,
        duration: request.duration,
        barSize: request.barSize,
        whatToShow: 'TRADES',
        useRth: true,
      });
    } catch (error) {
      if (isNoData(error)) return [];
      // Pacing: IB asked us to slow down. Unavailable/timeout: the connection manager is
      // reconnecting; the same request is tried again once it is back.
      const transient =
        isPacing(error) || error instanceof BrokerUnavailableError || error instanceof BrokerTimeoutError;
      if (!transient || attempt >= options.maxRetries) throw error;
      if (isPacing(error)) result.pacingRetries += 1;
      await untilAborted(sleep(options.pacingBackoffMs * 2 ** attempt), signal);
    }
  }
}

function emptyResult(chunks: number): BackfillResult {
  return {
    source: 'ib',
    chunks,
    skipped: 0,
    requested: 0,
    stored: 0,
    empty: 0,
    pacingRetries: 0,
    failures: [],
  };
}

export async function runBackfill(
  options: BackfillOptions,
  symbols: string[],
  barSize: IbBarSize,
  from: string,
  to: string,
): Promise<BackfillResult> {
  const signal = options.signal;
  const pacer =
    options.pacer ?? new RequestPacer(options.pacing, options.wallClock, options.sleep ?? realSleep);
  const nowMs = options.clock.nowMs();
  const chunks = planChunks(symbols, barSize, from, to, nowMs);
  const result = emptyResult(chunks.length);
  let done = 0;
  const report = (chunk: BackfillChunk, outcome: BackfillProgress['outcome']) => {
    done += 1;
    options.onProgress?.({ done, total: chunks.length, chunk, outcome });
  };
  await inBatches(chunks, options.concurrency ?? 1, async (chunk) => {
    signal?.throwIfAborted();
    if (options.store.hasComplete(chunk.symbol, barSize, chunk.key)) {
      result.skipped += 1;
      report(chunk, 'skipped');
      return;
    }
    try {
      const contract = await options.contract(chunk.symbol);
      const lastDay = chunk.days.at(-1) as string;
      const lastClose = session(lastDay)?.closeMs ?? nowMs;
      const endMs = Math.min(lastClose, options.clock.nowMs());
      const complete = lastClose <= options.clock.nowMs();
      const rows = await pacedBars(
        options,
        pacer,
        result,
        contract,
        { endMs, duration: barSize === '1 day' ? '1 Y' : '5 D', barSize },
        () => options.onRequest?.(chunk),
      );
      const wanted = new Set(chunk.days);
      const kept = rows.filter((bar) => wanted.has(dayOfBar(bar.timeMs, barSize)));
      // Merged, not replaced: an empty or short answer (market data stopped, IB's "no data") must
      // never erase the bars a chunk still open already holds.
      options.store.mergeIntoChunk(ibBarsFromRows(chunk.symbol, barSize, kept), chunk.key, complete);
      const outcome: BackfillProgress['outcome'] = kept.length === 0 ? 'empty' : 'stored';
      if (outcome === 'empty') result.empty += 1;
      else result.stored += 1;
      report(chunk, outcome);
    } catch (error) {
      // Stopped by the caller: not a failure of this chunk; the chunks stored so far stay stored.
      if (signal?.aborted) throw signal.reason;
      const reasonCode = brokerFailureReason(error);
      result.failures.push({
        symbol: chunk.symbol,
        key: chunk.key,
        ...(reasonCode ? { reasonCode } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
      report(chunk, 'failed');
    }
  });
  return result;
}

/** Longest tail fetched by one request (IB serves up to a year in a day-count duration). */
const MAX_TAIL_CALENDAR_DAYS = 365;

export interface TailBackfillResult extends BackfillResult {
  /** Symbols the tail cannot mend (no bars yet, a hole before the newest bar, a tail over a year). */
  needFull: string[];
}

/**
 * The missing tail of daily bars: for each audit whose missing sessions all come after the newest
 * stored bar, one paced request covering only those sessions (not the year chunk again), merged
 * into the year chunks the new bars belong to. A symbol the tail cannot mend is listed in `needFull`
 * for the chunked backfill.
 */
export async function runTailBackfill(
  options: BackfillOptions,
  audits: readonly Pick<BarAudit, 'symbol' | 'missingDays'>[],
): Promise<TailBackfillResult> {
  const signal = options.signal;
  const pacer =
    options.pacer ?? new RequestPacer(options.pacing, options.wallClock, options.sleep ?? realSleep);
  const result: TailBackfillResult = { ...emptyResult(0), needFull: [] };
  await inBatches(audits, options.concurrency ?? 1, async (audit) => {
    signal?.throwIfAborted();
    const missing = audit.missingDays;
    const firstMissing = missing[0];
    const lastMissing = missing.at(-1);
    if (firstMissing === undefined || lastMissing === undefined) return;
    const lastMs = options.store.lastBarMs(audit.symbol, '1 day');
    const lastStored = lastMs === undefined ? undefined : dayOfBar(lastMs, '1 day');
    // One calendar day more than the gap, so the first missing session is inside whatever way the
    // server counts the duration back from the end.
    const calendarDays = lastStored === undefined ? 0 : dayNumber(lastMissing) - dayNumber(lastStored) + 1;
    if (lastStored === undefined || firstMissing <= lastStored || calendarDays > MAX_TAIL_CALENDAR_DAYS) {
      result.needFull.push(audit.symbol);
      return;
    }
    result.chunks += 1;
    try {
      const contract = await options.contract(audit.symbol);
      const nowMs = options.clock.nowMs();
      const endMs = Math.min(session(lastMissing)?.closeMs ?? nowMs, nowMs);
      const rows = await pacedBars(options, pacer, result, contract, {
        endMs,
        duration: `${calendarDays} D`,
        barSize: '1 day',
      });
      const byChunk = new Map<string, BrokerBar[]>();
      for (const bar of rows) {
        const day = dayOfBar(bar.timeMs, '1 day');
        if (day <= lastStored || day > lastMissing) continue;
        const key = day.slice(0, 4);
        const list = byChunk.get(key) ?? [];
        list.push(bar);
        byChunk.set(key, list);
      }
      for (const [key, bars] of byChunk) {
        const yearClose = session(tradingDays(`${key}-01-01`, `${key}-12-31`).at(-1) ?? '')?.closeMs;
        const complete = yearClose !== undefined && yearClose <= options.clock.nowMs();
        options.store.mergeIntoChunk(ibBarsFromRows(audit.symbol, '1 day', bars), key, complete);
      }
      if (byChunk.size === 0) result.empty += 1;
      else result.stored += 1;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const reasonCode = brokerFailureReason(error);
      result.failures.push({
        symbol: audit.symbol,
        key: `${firstMissing}..${lastMissing}`,
        ...(reasonCode ? { reasonCode } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
  return result;
}

/** The session day a bar belongs to: daily bars carry 00:00 UTC of the day; minute bars NY time. */
function dayOfBar(timeMs: number, barSize: IbBarSize): string {
  if (barSize === '1 day') return new Date(timeMs).toISOString().slice(0, 10);
  // NYSE sessions never cross New York midnight, and New York is UTC-4/-5: 09:30 NY is the same UTC day.
  return new Date(timeMs).toISOString().slice(0, 10);
}
