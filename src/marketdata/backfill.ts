/**
 * Historical backfill: daily and minute IB bars for a window, fetched chunk by chunk under IB's
 * pacing rules, with a chunk file as the checkpoint. A chunk is a calendar year of daily bars or a
 * calendar week (Monday key) of minute bars; a complete chunk on disk is never fetched again, so a
 * killed run resumes where it stopped. On a pacing error (162) the chunk is retried after a backoff.
 */
import type { Brokerage, BrokerContract } from '../brokerage/index.js';
import { BrokerRequestError, BrokerTimeoutError, BrokerUnavailableError } from '../brokerage/index.js';
import { dayNumber, dayString, session, tradingDays } from '../calendar/index.js';
import { untilAborted } from '../core/abort.js';
import type { Clock } from '../core/clock.js';
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
  failures: Array<{ symbol: string; key: string; error: string }>;
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

export async function runBackfill(
  options: BackfillOptions,
  symbols: string[],
  barSize: IbBarSize,
  from: string,
  to: string,
): Promise<BackfillResult> {
  const signal = options.signal;
  const sleep = options.sleep ?? realSleep;
  const pacer = options.pacer ?? new RequestPacer(options.pacing, options.wallClock, sleep);
  const nowMs = options.clock.nowMs();
  const chunks = planChunks(symbols, barSize, from, to, nowMs);
  const result: BackfillResult = {
    source: 'ib',
    chunks: chunks.length,
    skipped: 0,
    requested: 0,
    stored: 0,
    empty: 0,
    pacingRetries: 0,
    failures: [],
  };
  let done = 0;
  const report = (chunk: BackfillChunk, outcome: BackfillProgress['outcome']) => {
    done += 1;
    options.onProgress?.({ done, total: chunks.length, chunk, outcome });
  };
  for (const chunk of chunks) {
    signal?.throwIfAborted();
    if (options.store.hasComplete(chunk.symbol, barSize, chunk.key)) {
      result.skipped += 1;
      report(chunk, 'skipped');
      continue;
    }
    try {
      const contract = await options.contract(chunk.symbol);
      const lastDay = chunk.days.at(-1) as string;
      const lastClose = session(lastDay)?.closeMs ?? nowMs;
      const endMs = Math.min(lastClose, options.clock.nowMs());
      const complete = lastClose <= options.clock.nowMs();
      let outcome: BackfillProgress['outcome'] = 'stored';
      for (let attempt = 0; ; attempt++) {
        // A pacer wait can last minutes; a cancelled run leaves it (the pacer may then count one
        // request that was never sent, which only makes it more careful).
        await untilAborted(pacer.acquire(`${contract.conId}`), signal);
        signal?.throwIfAborted();
        result.requested += 1;
        options.onRequest?.(chunk);
        try {
          const rows = await options.brokerage.history.bars({
            contract,
            endMs,
            duration: barSize === '1 day' ? '1 Y' : '5 D',
            barSize,
            whatToShow: 'TRADES',
            useRth: true,
          });
          const wanted = new Set(chunk.days);
          const kept = rows.filter((bar) => wanted.has(dayOfBar(bar.timeMs, barSize)));
          options.store.writeChunk(ibBarsFromRows(chunk.symbol, barSize, kept), chunk.key, complete);
          if (kept.length === 0) outcome = 'empty';
          break;
        } catch (error) {
          if (isNoData(error)) {
            options.store.writeChunk(ibBarsFromRows(chunk.symbol, barSize, []), chunk.key, complete);
            outcome = 'empty';
            break;
          }
          // Pacing: IB asked us to slow down. Unavailable/timeout: the connection manager is
          // reconnecting; the same chunk is tried again once it is back.
          const transient =
            isPacing(error) || error instanceof BrokerUnavailableError || error instanceof BrokerTimeoutError;
          if (transient && attempt < options.maxRetries) {
            if (isPacing(error)) result.pacingRetries += 1;
            await untilAborted(sleep(options.pacingBackoffMs * 2 ** attempt), signal);
            continue;
          }
          throw error;
        }
      }
      if (outcome === 'empty') result.empty += 1;
      else result.stored += 1;
      report(chunk, outcome);
    } catch (error) {
      // Stopped by the caller: not a failure of this chunk; the chunks stored so far stay stored.
      if (signal?.aborted) throw signal.reason;
      result.failures.push({
        symbol: chunk.symbol,
        key: chunk.key,
        error: error instanceof Error ? error.message : String(error),
      });
      report(chunk, 'failed');
    }
  }
  return result;
}

/** The session day a bar belongs to: daily bars carry 00:00 UTC of the day; minute bars NY time. */
function dayOfBar(timeMs: number, barSize: IbBarSize): string {
  if (barSize === '1 day') return new Date(timeMs).toISOString().slice(0, 10);
  // NYSE sessions never cross New York midnight, and New York is UTC-4/-5: 09:30 NY is the same UTC day.
  return new Date(timeMs).toISOString().slice(0, 10);
}
