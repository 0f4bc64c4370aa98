import type { Bar, BarQuery, Instrument, MarketModel, Quote, SimClock } from '../../src/sim/ports.js';

/** A tiny deterministic market for the protocol tests (the real model lives in src/sim/market). */
export function fakeInstrument(symbol: string, conId: number, base: number): Instrument & { base: number } {
  return {
    symbol,
    conId,
    exchange: 'SMART',
    primaryExchange: 'NASDAQ',
    currency: 'USD',
    minTick: 0.01,
    lotSize: 1,
    sector: 'Technology',
    industry: 'Computers',
    category: 'Computers',
    longName: `${symbol} INC`,
    tradingHours: '20260101:0930-20260101:1600',
    liquidHours: '20260101:0930-20260101:1600',
    timeZoneId: 'US/Eastern',
    base,
  };
}

const OPEN_UTC_MIN = 14 * 60 + 30;
const CLOSE_UTC_MIN = 21 * 60;

export function isOpen(ms: number): boolean {
  const d = new Date(ms);
  const day = d.getUTCDay();
  if (day === 0 || day === 6) return false;
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  return minute >= OPEN_UTC_MIN && minute < CLOSE_UTC_MIN;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function createFakeMarket(seed = 1): MarketModel & { priceAt(symbol: string, ms: number): number } {
  const instruments = [
    fakeInstrument('AAPL', 265598, 190),
    fakeInstrument('MSFT', 272093, 410),
    fakeInstrument('SPY', 756733, 520),
  ];
  const bySymbol = new Map(instruments.map((i) => [i.symbol, i]));
  const priceAt = (symbol: string, ms: number): number => {
    const inst = bySymbol.get(symbol);
    if (!inst) return Number.NaN;
    const second = Math.floor(ms / 1000);
    return round2(inst.base * (1 + 0.02 * Math.sin(second / 600 + seed + inst.conId)));
  };
  const quoteAt = (symbol: string, ms: number): Quote | undefined => {
    if (!bySymbol.has(symbol)) return undefined;
    const price = priceAt(symbol, ms);
    const dayStart = ms - (ms % 86_400_000);
    return {
      bid: round2(price - 0.01),
      ask: round2(price + 0.01),
      last: price,
      bidSize: 300,
      askSize: 400,
      lastSize: 100,
      volume: Math.floor((ms - dayStart) / 1000),
      high: round2(price * 1.01),
      low: round2(price * 0.99),
      open: priceAt(symbol, dayStart + 14.5 * 3_600_000),
      close: priceAt(symbol, dayStart - 3 * 3_600_000),
    };
  };
  const bars = (symbol: string, q: BarQuery): Bar[] => {
    if (!bySymbol.has(symbol)) return [];
    const out: Bar[] = [];
    const step = q.barSizeSec * 1000;
    const start = q.endMs - q.durationSec * 1000;
    for (let t = Math.floor(start / step) * step; t < q.endMs; t += step) {
      if (t < start) continue;
      if (q.barSizeSec >= 86_400) {
        const day = new Date(t).getUTCDay();
        if (day === 0 || day === 6) continue;
      } else if (q.useRth && !isOpen(t)) continue;
      const open = priceAt(symbol, t);
      const close = priceAt(symbol, Math.min(t + step - 1000, q.endMs));
      const mid = q.whatToShow === 'MIDPOINT' ? 0 : 1000;
      out.push({
        timeMs: t,
        open,
        high: round2(Math.max(open, close) + 0.05),
        low: round2(Math.min(open, close) - 0.05),
        close,
        volume: mid,
        wap: round2((open + close) / 2),
        count: mid / 10,
      });
    }
    return out;
  };
  return {
    instruments,
    instrument: (symbol) => bySymbol.get(symbol),
    quoteAt,
    bars,
    isMarketOpen: isOpen,
    priceAt,
  };
}

/** A stepped clock: moves only on advance(). */
export function createSteppedClock(startMs: number): SimClock & { set(ms: number): void } {
  let now = startMs;
  const listeners = new Set<(nowMs: number) => void>();
  return {
    mode: 'stepped',
    nowMs: () => now,
    setSpeed: () => {},
    advance(ms: number) {
      now += ms;
      for (const listener of listeners) listener(now);
    },
    set(ms: number) {
      now = ms;
      for (const listener of listeners) listener(now);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Tuesday 2026-11-24 15:00 UTC (10:00 New York): the fake market is open. */
export const OPEN_TUESDAY_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
