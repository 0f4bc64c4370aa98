/** The contract the paper gateway's protocol side is written against. */
export interface Instrument {
  symbol: string;
  conId: number;
  /** Routing exchange; always 'SMART' for the default universe. */
  exchange: string;
  primaryExchange: string;
  currency: string;
  minTick: number;
  lotSize: number;
  sector: string;
  industry: string;
  category: string;
  longName: string;
  /** IB format: `20261124:0400-20261124:2000;20261126:CLOSED;...` */
  tradingHours: string;
  liquidHours: string;
  timeZoneId: string;
}

export interface Quote {
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  /** Shares traded in the session so far. */
  volume: number;
  /** Session high and low so far. */
  high: number;
  low: number;
  /** The session's opening price. */
  open: number;
  /** The prior session's close (IB's close tick). */
  close: number;
}

export interface Bar {
  /** Bar start (for daily and longer bars: the first session's open instant). */
  timeMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** -1 for MIDPOINT bars, as IB sends. */
  volume: number;
  wap: number;
  count: number;
}

export type WhatToShow = 'TRADES' | 'MIDPOINT' | 'ADJUSTED_LAST';

export interface BarQuery {
  endMs: number;
  durationSec: number;
  barSizeSec: number;
  whatToShow: WhatToShow;
  useRth: boolean;
}

export interface MarketModel {
  readonly instruments: readonly Instrument[];
  instrument(symbol: string): Instrument | undefined;
  /**
   * Deterministic for (seed, symbol, timeMs); undefined when the symbol has no data then. Outside a
   * regular session the market is closed and the quote is frozen at the last session's close: last =
   * that close, volume/high/low/open of that session, `close` = the close of the session before it.
   */
  quoteAt(symbol: string, timeMs: number): Quote | undefined;
  /**
   * Bars in (endMs - duration, endMs], the one in progress included. Durations of 1-6 whole days
   * count trading sessions back from endMs (IB's "N D"); longer ones are calendar time. Intraday bars
   * sit on a grid from New York midnight clipped to the session (09:30, 10:00, ...). Bar sizes of a
   * day or more give daily bars, 7 days weekly, 28+ days monthly. Only regular hours trade, so
   * useRth changes nothing.
   */
  bars(symbol: string, query: BarQuery): Bar[];
  isMarketOpen(timeMs: number): boolean;
}

export type SimClockMode = 'realtime' | 'accelerated' | 'stepped';

export interface SimClock {
  nowMs(): number;
  readonly mode: SimClockMode;
  setSpeed(multiplier: number): void;
  /** Jumps the clock forward; the only way time moves in stepped mode. */
  advance(ms: number): void;
  onChange(listener: (nowMs: number) => void): () => void;
}
