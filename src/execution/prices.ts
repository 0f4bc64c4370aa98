import type { Brokerage, BrokerContract, QuoteUpdate } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';

/**
 * `bar-close`: the last stored IB daily bar's close, used only when a run trades a last-good
 * fallback because the quote feed is stopped (see `withLastCloses`).
 */
export type PriceSourceKind = 'mid' | 'last' | 'close' | 'bar-close';

export interface SizingPrice {
  symbol: string;
  price: number;
  source: PriceSourceKind;
  /** When the broker sent the quote this price came from. */
  quoteTimeMs: number;
}

/** No usable price: the field names the symbol. */
export class PriceUnavailableError extends Error {
  constructor(
    readonly symbol: string,
    readonly reason: string,
  ) {
    super(`price of ${symbol}: ${reason}`);
    this.name = 'PriceUnavailableError';
  }
}

export interface PriceRules {
  /** A quote older than this is refused. */
  maxAgeMs: number;
}

/** The latest known value of each quote field, merged from the broker's partial updates. */
export type QuoteSnapshot = Omit<QuoteUpdate, 'conId'>;

export function mergeQuote(previous: QuoteSnapshot | undefined, update: QuoteUpdate): QuoteSnapshot {
  const merged: QuoteSnapshot = { ...(previous ?? {}), symbol: update.symbol, timeMs: update.timeMs };
  for (const key of ['bid', 'ask', 'last', 'close'] as const) {
    const value = update[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * The sizing price: the mid of a sane two-sided quote; else the last trade; else the previous
 * session's close as a documented fallback (pre-open, or a symbol that has not traded yet today).
 * The quote must be fresh whatever the source: a silent feed is not a price.
 */
export function choosePrice(quote: QuoteSnapshot, nowMs: number, rules: PriceRules): SizingPrice {
  const age = nowMs - quote.timeMs;
  if (age > rules.maxAgeMs) {
    throw new PriceUnavailableError(quote.symbol, `quote is stale (${Math.round(age / 1000)} s old)`);
  }
  const { bid, ask, last, close } = quote;
  if (bid !== undefined && ask !== undefined && bid > 0 && ask > 0 && ask >= bid) {
    return { symbol: quote.symbol, price: (bid + ask) / 2, source: 'mid', quoteTimeMs: quote.timeMs };
  }
  if (last !== undefined && last > 0) {
    return { symbol: quote.symbol, price: last, source: 'last', quoteTimeMs: quote.timeMs };
  }
  if (close !== undefined && close > 0) {
    return { symbol: quote.symbol, price: close, source: 'close', quoteTimeMs: quote.timeMs };
  }
  throw new PriceUnavailableError(quote.symbol, 'no bid/ask, last or previous close');
}

/** Rounds a limit price to the tick, on the side that never pays more (buys down, sells up). */
export function limitPrice(
  reference: number,
  side: 'BUY' | 'SELL',
  offsetBps: number,
  minTick: number,
): number {
  const raw = side === 'BUY' ? reference * (1 + offsetBps / 10_000) : reference * (1 - offsetBps / 10_000);
  const ticks = side === 'BUY' ? Math.floor(raw / minTick + 1e-9) : Math.ceil(raw / minTick - 1e-9);
  const decimals = Math.max(0, Math.ceil(-Math.log10(minTick)));
  return Number((ticks * minTick).toFixed(decimals));
}

export interface PriceSource {
  prices(contracts: readonly BrokerContract[]): Promise<Record<string, SizingPrice>>;
}

/**
 * Prices from one-shot quote snapshots: one message per symbol and no market data line, so a
 * universe larger than IB's 100 lines is priced in one pass. At most `concurrency` are in flight.
 */
export function brokerPriceSource(
  broker: Pick<Brokerage, 'quotes'>,
  clock: Clock,
  rules: PriceRules & { concurrency?: number },
): PriceSource {
  return {
    async prices(contracts) {
      const result: Record<string, SizingPrice> = {};
      const queue = [...contracts];
      const worker = async () => {
        for (let contract = queue.shift(); contract; contract = queue.shift()) {
          let update: QuoteUpdate;
          try {
            update = await broker.quotes.snapshot(contract);
          } catch (error) {
            queue.length = 0;
            throw new PriceUnavailableError(
              contract.symbol,
              `no quote (${error instanceof Error ? error.message : String(error)})`,
            );
          }
          result[contract.symbol] = choosePrice(mergeQuote(undefined, update), clock.nowMs(), rules);
        }
      };
      const workers = Math.min(contracts.length, Math.max(1, rules.concurrency ?? 50));
      await Promise.all(Array.from({ length: workers }, worker));
      return result;
    },
  };
}

/**
 * The last stored IB daily bar of each symbol: its close (a sizing price of source `bar-close`) and
 * the average daily volume of the last sessions (for the pre-trade gate when IB's bars are stopped too).
 */
export type LastCloses = Readonly<
  Record<string, { price: number; timeMs: number; adv?: number | undefined }>
>;

/**
 * Prices from `source`, and for each symbol it cannot price, the symbol's last daily close. Only a
 * run that already fell back to the last-good snapshot asks for this: the quote feed is stopped, and
 * sizing from yesterday's close beats sending nothing. A symbol with neither still fails, named.
 */
export function withLastCloses(source: PriceSource, closes: LastCloses, concurrency = 10): PriceSource {
  const close = (symbol: string): SizingPrice | undefined => {
    const found = closes[symbol];
    if (!found || !(found.price > 0)) return undefined;
    return { symbol, price: found.price, source: 'bar-close', quoteTimeMs: found.timeMs };
  };
  return {
    async prices(contracts) {
      try {
        return await source.prices(contracts);
      } catch (error) {
        if (!(error instanceof PriceUnavailableError)) throw error;
      }
      // One symbol failed the batch: price each alone, so that the others keep their quotes.
      const result: Record<string, SizingPrice> = {};
      const queue = [...contracts];
      const worker = async () => {
        for (let contract = queue.shift(); contract; contract = queue.shift()) {
          try {
            Object.assign(result, await source.prices([contract]));
          } catch (error) {
            if (!(error instanceof PriceUnavailableError)) throw error;
            const fallback = close(contract.symbol);
            if (!fallback)
              throw new PriceUnavailableError(contract.symbol, `${error.reason}, and no stored daily close`);
            result[contract.symbol] = fallback;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(contracts.length, concurrency) }, worker));
      return result;
    },
  };
}

export interface PreparedPricesOptions {
  /** Where missing prices come from (snapshots). */
  fetch: PriceSource;
  clock: Clock;
  rules: PriceRules;
  /** A live streamed quote for the symbol, if the quote service holds a trusted one. */
  live?: (symbol: string) => QuoteSnapshot | undefined;
}

/**
 * The prices a rebalance sizes with, in order: a fresh live quote from the quote stream; a price
 * fetched by `prepare` (the pre-trade step, so that the run itself spends IB's message budget on
 * orders only); a snapshot fetched now. Whatever the source, a price older than the rules allow is
 * not used.
 */
export class PreparedPrices implements PriceSource {
  private readonly prepared = new Map<string, SizingPrice>();

  constructor(private readonly options: PreparedPricesOptions) {}

  /** Fetches the symbols that have no fresh price yet; returns how many came from where. */
  async prepare(contracts: readonly BrokerContract[]): Promise<{ ready: number; fetched: number }> {
    const missing = contracts.filter((c) => this.freshPrice(c.symbol) === undefined);
    const fetched = await this.options.fetch.prices(missing);
    for (const [symbol, price] of Object.entries(fetched)) this.prepared.set(symbol, price);
    return { ready: contracts.length - missing.length, fetched: missing.length };
  }

  /** `closes`: a last-good fallback run's last daily closes, for symbols with no quote (`withLastCloses`). */
  async prices(
    contracts: readonly BrokerContract[],
    closes?: LastCloses,
  ): Promise<Record<string, SizingPrice>> {
    const result: Record<string, SizingPrice> = {};
    const missing: BrokerContract[] = [];
    for (const contract of contracts) {
      const price = this.freshPrice(contract.symbol);
      if (price) result[contract.symbol] = price;
      else missing.push(contract);
    }
    const fetch = closes ? withLastCloses(this.options.fetch, closes) : this.options.fetch;
    if (missing.length > 0) Object.assign(result, await fetch.prices(missing));
    return result;
  }

  private freshPrice(symbol: string): SizingPrice | undefined {
    const now = this.options.clock.nowMs();
    const live = this.options.live?.(symbol);
    if (live) {
      try {
        return choosePrice(live, now, this.options.rules);
      } catch {
        // a stale or one-sided live quote: try the prepared price
      }
    }
    const prepared = this.prepared.get(symbol);
    if (prepared && now - prepared.quoteTimeMs <= this.options.rules.maxAgeMs) return prepared;
    if (prepared) this.prepared.delete(symbol);
    return undefined;
  }
}
