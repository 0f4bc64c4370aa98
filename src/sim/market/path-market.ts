import {
  dayNumber,
  isOpen,
  latestSessionStartedBy,
  newYorkTimeOfDayMs,
  nextTradingDay,
  previousTradingDay,
  type Session,
  session,
  tradingDayOf,
  tradingDays,
} from '../../calendar/index.js';
import type { DailyRecord, DailySeries } from './daily.js';
import { DayPath, microstructureAt, toTicks } from './intraday.js';
import { combine, hashString } from './random.js';
import type { Bar, BarQuery, Instrument, MarketModel, Quote } from './types.js';

const MS_PER_SECOND = 1000;
const SECONDS_PER_HOUR = 3_600;
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;
const SECONDS_PER_MONTH_MIN = 28 * SECONDS_PER_DAY;
const REGULAR_SESSION_SECONDS = 23_400;

export interface PathMarketOptions {
  instruments: readonly Instrument[];
  seed: number;
  seriesFor(instrument: Instrument): DailySeries | undefined;
  /** Typical spread in basis points of price, per symbol. */
  spreadBpsFor(instrument: Instrument): number;
}

/** The last session lookup of a symbol and the instants [fromMs, toMs) it answers for. */
interface QuoteMemo {
  fromMs: number;
  toMs: number;
  openMs: number;
  inSession: boolean;
  record: DailyRecord;
  previousClose: number;
  path: DayPath;
}

interface SymbolState {
  memo?: QuoteMemo;
  instrument: Instrument;
  series: DailySeries | undefined;
  symbolKey: number;
  spreadBps: number;
  priceFactor: number;
}

/** Where a quote comes from: a session's path and the second within it. */
interface PathPoint {
  record: DailyRecord;
  previousClose: number;
  path: DayPath;
  pathKey: number;
  second: number;
}

/**
 * A market model that derives everything from per-symbol daily series: the intraday path of a
 * session is a pure function of (seed, symbol, day, that day's OHLCV), so quotes and bars are
 * deterministic and mutually consistent. Only regular sessions trade; outside them a quote shows the
 * state at the last session's close (last = close, session volume/high/low/open of that session,
 * `close` = the close before it), as a closed market does. Extended hours are not modelled, so
 * `useRth` makes no difference.
 */
export class PathMarket implements MarketModel {
  readonly instruments: readonly Instrument[];
  private readonly seed: number;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly pathCache = new Map<string, DayPath>();
  private readonly pathCacheLimit: number;

  constructor(options: PathMarketOptions) {
    this.instruments = options.instruments;
    this.seed = options.seed >>> 0;
    for (const instrument of options.instruments) {
      this.symbols.set(instrument.symbol.toUpperCase(), {
        instrument,
        series: options.seriesFor(instrument),
        symbolKey: hashString(instrument.symbol.toUpperCase()),
        spreadBps: options.spreadBpsFor(instrument),
        priceFactor: 10 ** Math.max(0, Math.ceil(-Math.log10(instrument.minTick) - 1e-9)),
      });
    }
    // Enough for every symbol's current session plus history queries without thrashing.
    this.pathCacheLimit = Math.max(512, options.instruments.length * 4);
  }

  instrument(symbol: string): Instrument | undefined {
    return this.symbols.get(symbol.toUpperCase())?.instrument;
  }

  isMarketOpen(timeMs: number): boolean {
    return isOpen(timeMs);
  }

  quoteAt(symbol: string, timeMs: number): Quote | undefined {
    const state = this.symbols.get(symbol.toUpperCase());
    if (!state?.series || !Number.isFinite(timeMs)) return undefined;
    const point = this.pointAt(state, timeMs);
    if (!point) return undefined;
    const { path, second } = point;
    const tick = state.instrument.minTick;
    const lastT = path.priceAt(second);
    const baseSpreadTicks = (lastT * state.spreadBps) / 10_000;
    const micro = microstructureAt(point.pathKey, second, baseSpreadTicks);
    const bidT = Math.max(1, lastT - micro.bidOffsetTicks);
    const askT = bidT + micro.spreadTicks;
    const range = path.rangeTo(second);
    const lastSize = path.lastTradeSize(second);
    return {
      bid: this.price(state, bidT, tick),
      ask: this.price(state, askT, tick),
      last: this.price(state, lastT, tick),
      bidSize: micro.bidSize,
      askSize: micro.askSize,
      lastSize,
      volume: path.volumeTo(second),
      high: this.price(state, range.high, tick),
      low: this.price(state, range.low, tick),
      open: this.price(state, path.minuteOpen[0] ?? 0, tick),
      close: point.previousClose,
    };
  }

  bars(symbol: string, query: BarQuery): Bar[] {
    const state = this.symbols.get(symbol.toUpperCase());
    if (!state?.series) return [];
    if (!(query.barSizeSec > 0) || !(query.durationSec > 0) || !Number.isFinite(query.endMs)) return [];
    const startMs = this.windowStart(query);
    const sessions = this.sessionsBetween(startMs, query.endMs);
    if (query.barSizeSec >= SECONDS_PER_DAY) {
      const daily = sessions
        .map((current) => this.dailyBar(state, current, query))
        .filter((bar): bar is DatedBar => bar !== undefined);
      if (query.barSizeSec >= SECONDS_PER_MONTH_MIN) return aggregate(daily, (day) => day.slice(0, 7));
      if (query.barSizeSec >= SECONDS_PER_WEEK) return aggregate(daily, weekKey);
      return daily.map((entry) => entry.bar);
    }
    const bars: Bar[] = [];
    for (const current of sessions) this.intradayBars(state, current, query, startMs, bars);
    return bars;
  }

  /** IB counts a duration of fewer than 7 whole days in trading sessions; longer ones in calendar time. */
  private windowStart(query: BarQuery): number {
    const days = query.durationSec / SECONDS_PER_DAY;
    if (Number.isInteger(days) && days < 7) {
      let current = latestSessionStartedBy(query.endMs - 1);
      if (!current) return query.endMs - query.durationSec * MS_PER_SECOND;
      for (let count = 1; count < days; count++) {
        const earlier = session(previousTradingDay(current.day));
        if (!earlier) break;
        current = earlier;
      }
      return current.openMs;
    }
    return query.endMs - query.durationSec * MS_PER_SECOND;
  }

  private sessionsBetween(startMs: number, endMs: number): Session[] {
    const result: Session[] = [];
    for (const day of tradingDays(tradingDayOf(startMs), tradingDayOf(endMs))) {
      const current = session(day);
      if (current && current.openMs < endMs && current.closeMs > startMs) result.push(current);
    }
    return result;
  }

  private dailyBar(state: SymbolState, current: Session, query: BarQuery): DatedBar | undefined {
    const series = state.series;
    if (!series) return undefined;
    const index = series.indexAtOrBefore(current.day);
    if (index < 0) return undefined;
    const record = series.record(index);
    if (record.day !== current.day) return undefined;
    const partial = query.endMs < current.closeMs;
    if (query.whatToShow === 'TRADES' && !partial) {
      const volume = record.volume;
      return {
        day: record.day,
        bar: {
          timeMs: current.openMs,
          open: record.open,
          high: record.high,
          low: record.low,
          close: record.close,
          volume,
          wap: roundTo((record.high + record.low + record.close) / 3, 1e4),
          count: Math.max(volume > 0 ? 1 : 0, Math.round(volume / 300)),
        },
      };
    }
    const path = this.pathFor(state, record);
    const seconds = Math.min(path.seconds, Math.ceil((query.endMs - current.openMs) / MS_PER_SECOND));
    const bar = this.barFromPath(state, path, record, 0, seconds, current.openMs, query);
    return bar ? { day: record.day, bar } : undefined;
  }

  private intradayBars(
    state: SymbolState,
    current: Session,
    query: BarQuery,
    startMs: number,
    out: Bar[],
  ): void {
    const series = state.series;
    if (!series) return;
    const index = series.indexAtOrBefore(current.day);
    if (index < 0) return;
    const record = series.record(index);
    if (record.day !== current.day) return;
    const path = this.pathFor(state, record);
    const midnightMs = current.openMs - newYorkTimeOfDayMs(current.openMs);
    const barMs = query.barSizeSec * MS_PER_SECOND;
    const endMs = Math.min(query.endMs, current.closeMs);
    // Bars sit on a grid counted from New York midnight (09:30, 09:35, ...), clipped to the session.
    let gridMs = midnightMs + Math.floor((current.openMs - midnightMs) / barMs) * barMs;
    for (; gridMs < endMs; gridMs += barMs) {
      const barStartMs = Math.max(gridMs, current.openMs);
      if (barStartMs < startMs) continue;
      const barEndMs = Math.min(gridMs + barMs, endMs);
      const fromSecond = Math.floor((barStartMs - current.openMs) / MS_PER_SECOND);
      const toSecond = Math.min(path.seconds, Math.ceil((barEndMs - current.openMs) / MS_PER_SECOND));
      const bar = this.barFromPath(state, path, record, fromSecond, toSecond, barStartMs, query);
      if (bar) out.push(bar);
    }
  }

  /** One bar from the seconds [fromSecond, toSecond) of a session's path. */
  private barFromPath(
    state: SymbolState,
    path: DayPath,
    record: DailyRecord,
    fromSecond: number,
    toSecond: number,
    timeMs: number,
    query: BarQuery,
  ): Bar | undefined {
    if (toSecond <= fromSecond) return undefined;
    const tick = state.instrument.minTick;
    if (query.whatToShow === 'MIDPOINT') return this.midpointBar(state, path, fromSecond, toSecond, timeMs);
    const factor = query.whatToShow === 'ADJUSTED_LAST' ? record.adjustment : 1;
    const bar = path.bar(fromSecond, toSecond);
    if (!bar) return undefined;
    const scale = (ticks: number): number =>
      factor === 1 ? this.price(state, ticks, tick) : roundTo(ticks * tick * factor, 1e4);
    return {
      timeMs,
      open: scale(bar.open),
      high: scale(bar.high),
      low: scale(bar.low),
      close: scale(bar.close),
      volume: bar.volume,
      wap: bar.volume > 0 ? roundTo((bar.notional / bar.volume) * tick * factor, 1e4) : scale(bar.close),
      count: bar.count,
    };
  }

  /**
   * Midpoint bars from the per-second bid/ask. Bars longer than an hour take the exact mid at their
   * first and last second and the trade range widened by the half-spreads seen there for high/low:
   * scanning every second of a year of daily bars would cost seconds for a figure nobody trades on.
   */
  private midpointBar(
    state: SymbolState,
    path: DayPath,
    fromSecond: number,
    toSecond: number,
    timeMs: number,
  ): Bar | undefined {
    const pathKey = path.key;
    // Midpoints in half ticks: bid + ask.
    const midAt = (second: number): number => {
      const lastT = path.priceAt(second);
      const micro = microstructureAt(pathKey, second, (lastT * state.spreadBps) / 10_000);
      return 2 * Math.max(1, lastT - micro.bidOffsetTicks) + micro.spreadTicks;
    };
    let open: number;
    let close: number;
    let high: number;
    let low: number;
    if (toSecond - fromSecond > SECONDS_PER_HOUR) {
      const trades = path.bar(fromSecond, toSecond);
      if (!trades) return undefined;
      open = midAt(fromSecond);
      close = midAt(toSecond - 1);
      const halfSpreadTicks = Math.max(1, Math.round((trades.close * state.spreadBps) / 10_000));
      high = Math.max(open, close, 2 * trades.high + halfSpreadTicks);
      low = Math.min(open, close, 2 * trades.low - halfSpreadTicks);
    } else {
      open = midAt(fromSecond);
      close = open;
      high = open;
      low = open;
      for (let second = fromSecond + 1; second < toSecond; second++) {
        const mid = midAt(second);
        close = mid;
        if (mid > high) high = mid;
        if (mid < low) low = mid;
      }
    }
    const tick = state.instrument.minTick;
    const half = (value: number): number => roundTo((value * tick) / 2, state.priceFactor * 2);
    return {
      timeMs,
      open: half(open),
      high: half(high),
      low: half(low),
      close: half(close),
      volume: -1,
      wap: -1,
      count: -1,
    };
  }

  private pointAt(state: SymbolState, timeMs: number): PathPoint | undefined {
    const series = state.series;
    if (!series) return undefined;
    // Polling asks about the same session over and over: reuse the last lookup while it holds.
    const memo = state.memo;
    if (memo && timeMs >= memo.fromMs && timeMs < memo.toMs) return this.pointFromMemo(memo, timeMs);
    const started = latestSessionStartedBy(timeMs);
    if (!started) return undefined;
    const index = series.indexAtOrBefore(started.day);
    if (index < 0) return undefined;
    const record = series.record(index);
    // After a split IB shows the prior close in post-split terms.
    const tick = state.instrument.minTick;
    const previousClose =
      index > 0
        ? this.price(state, toTicks(series.record(index - 1).close / record.split, tick), tick)
        : record.open;
    const path = this.pathFor(state, record);
    let fromMs = timeMs;
    let toMs = timeMs;
    let inSession = false;
    if (record.day === started.day) {
      inSession = timeMs < started.closeMs;
      fromMs = inSession ? started.openMs : started.closeMs;
      toMs = inSession ? started.closeMs : (session(nextTradingDay(started.day))?.openMs ?? started.closeMs);
    }
    const fresh: QuoteMemo = { fromMs, toMs, openMs: started.openMs, inSession, record, previousClose, path };
    state.memo = fresh;
    return this.pointFromMemo(fresh, timeMs);
  }

  private pointFromMemo(memo: QuoteMemo, timeMs: number): PathPoint {
    const second = memo.inSession
      ? Math.floor((timeMs - memo.openMs) / MS_PER_SECOND)
      : memo.path.seconds - 1;
    return {
      record: memo.record,
      previousClose: memo.previousClose,
      path: memo.path,
      pathKey: memo.path.key,
      second,
    };
  }

  private pathKey(state: SymbolState, day: string): number {
    return combine(this.seed, state.symbolKey, dayNumber(day));
  }

  private pathFor(state: SymbolState, record: DailyRecord): DayPath {
    const cacheKey = `${state.instrument.symbol}|${record.day}`;
    const cached = this.pathCache.get(cacheKey);
    if (cached) {
      // Re-insert to keep the map in least-recently-used order.
      this.pathCache.delete(cacheKey);
      this.pathCache.set(cacheKey, cached);
      return cached;
    }
    const regular = session(record.day);
    const seconds = regular
      ? Math.round((regular.closeMs - regular.openMs) / MS_PER_SECOND)
      : REGULAR_SESSION_SECONDS;
    const path = new DayPath({
      key: this.pathKey(state, record.day),
      seconds,
      tick: state.instrument.minTick,
      open: record.open,
      high: record.high,
      low: record.low,
      close: record.close,
      volume: record.volume,
    });
    this.pathCache.set(cacheKey, path);
    if (this.pathCache.size > this.pathCacheLimit) {
      const oldest = this.pathCache.keys().next().value;
      if (oldest !== undefined) this.pathCache.delete(oldest);
    }
    return path;
  }

  private price(state: SymbolState, ticks: number, tick: number): number {
    return roundTo(ticks * tick, state.priceFactor);
  }
}

interface DatedBar {
  day: string;
  bar: Bar;
}

function roundTo(value: number, factor: number): number {
  return Math.round(value * factor) / factor;
}

/** Monday-based week key of a day. */
function weekKey(day: string): string {
  const dayNum = dayNumber(day);
  return String(dayNum - ((((dayNum + 4) % 7) + 6) % 7));
}

function aggregate(daily: DatedBar[], keyOf: (day: string) => string): Bar[] {
  const result: Bar[] = [];
  let currentKey: string | undefined;
  let notional = 0;
  for (const { day, bar } of daily) {
    const key = keyOf(day);
    const last = result[result.length - 1];
    if (key !== currentKey || !last) {
      currentKey = key;
      notional = bar.wap * bar.volume;
      result.push({ ...bar });
      continue;
    }
    last.high = Math.max(last.high, bar.high);
    last.low = Math.min(last.low, bar.low);
    last.close = bar.close;
    if (bar.volume >= 0 && last.volume >= 0) {
      notional += bar.wap * bar.volume;
      last.volume += bar.volume;
      last.count += bar.count;
      last.wap = last.volume > 0 ? roundTo(notional / last.volume, 1e4) : bar.close;
    }
  }
  return result;
}
