import type { Bar, BarQuery, Instrument, MarketModel, Quote } from './types.js';

/** One price shock: from `atMs` on, the symbol's (or every symbol's) prices are multiplied by `factor`. */
export interface PriceShock {
  /** null: every instrument. */
  symbol: string | null;
  factor: number;
  atMs: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The market model with price shocks on top (the `shock` fault): a test can make the account lose
 * money on demand. A shock moves prices from its sim time on, so quotes, fills, account values and
 * PnL reports follow it, and bars after it; the prior close stays, so today's PnL shows the move.
 * Shocks compound and stay until `reset()`.
 */
export class ShockableMarket implements MarketModel {
  private shocks: PriceShock[] = [];

  constructor(private readonly base: MarketModel) {}

  get instruments(): readonly Instrument[] {
    return this.base.instruments;
  }

  instrument(symbol: string): Instrument | undefined {
    return this.base.instrument(symbol);
  }

  isMarketOpen(timeMs: number): boolean {
    return this.base.isMarketOpen(timeMs);
  }

  shock(symbol: string | null, pct: number, atMs: number): PriceShock {
    const shock = { symbol, factor: 1 + pct / 100, atMs };
    this.shocks.push(shock);
    return shock;
  }

  reset(): void {
    this.shocks = [];
  }

  list(): readonly PriceShock[] {
    return this.shocks;
  }

  /** The combined factor of the shocks on a symbol in force at a sim time. */
  factorAt(symbol: string, timeMs: number): number {
    let factor = 1;
    for (const s of this.shocks) {
      if (s.atMs <= timeMs && (s.symbol === null || s.symbol === symbol)) factor *= s.factor;
    }
    return factor;
  }

  quoteAt(symbol: string, timeMs: number): Quote | undefined {
    const quote = this.base.quoteAt(symbol, timeMs);
    const f = this.factorAt(symbol, timeMs);
    if (!quote || f === 1) return quote;
    const last = round2(quote.last * f);
    return {
      ...quote,
      bid: round2(quote.bid * f),
      ask: round2(quote.ask * f),
      last,
      // The session's range widens to take in the jump; open and the prior close stay as they were.
      high: Math.max(quote.high, last),
      low: Math.min(quote.low, last),
    };
  }

  bars(symbol: string, query: BarQuery): Bar[] {
    const bars = this.base.bars(symbol, query);
    if (!this.shocks.some((s) => s.symbol === null || s.symbol === symbol)) return bars;
    return bars.map((bar) => {
      const end = Math.min(bar.timeMs + query.barSizeSec * 1000 - 1, query.endMs);
      const fo = this.factorAt(symbol, bar.timeMs);
      const fc = this.factorAt(symbol, end);
      if (fo === 1 && fc === 1) return bar;
      return {
        ...bar,
        open: round2(bar.open * fo),
        close: round2(bar.close * fc),
        high: round2(bar.high * Math.max(fo, fc)),
        low: round2(bar.low * Math.min(fo, fc)),
        wap: round2(bar.wap * fc),
      };
    });
  }
}
