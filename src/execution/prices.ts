import type { Brokerage, BrokerContract, QuoteUpdate } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';

export type PriceSourceKind = 'mid' | 'last' | 'close';

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
 * Prices from the broker's quote stream: subscribe, wait for a usable price per symbol, unsubscribe.
 * At most `maxLines` subscriptions are open at once (IB's default is 100 market data lines).
 */
export function brokerPriceSource(
  broker: Pick<Brokerage, 'quotes'>,
  clock: Clock,
  rules: PriceRules & { timeoutMs: number; maxLines?: number },
): PriceSource {
  const maxLines = Math.max(1, rules.maxLines ?? 90);
  return {
    async prices(contracts) {
      const result: Record<string, SizingPrice> = {};
      for (let start = 0; start < contracts.length; start += maxLines) {
        Object.assign(
          result,
          await batchPrices(broker, clock, rules, contracts.slice(start, start + maxLines)),
        );
      }
      return result;
    },
  };
}

function batchPrices(
  broker: Pick<Brokerage, 'quotes'>,
  clock: Clock,
  rules: PriceRules & { timeoutMs: number },
  contracts: readonly BrokerContract[],
): Promise<Record<string, SizingPrice>> {
  return new Promise((resolve, reject) => {
    const snapshots = new Map<string, QuoteSnapshot>();
    const result: Record<string, SizingPrice> = {};
    const subscriptions = new Map<string, { close(): void }>();
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const subscription of subscriptions.values()) subscription.close();
      if (error) reject(error);
      else resolve(result);
    };
    // At the deadline a last or close is good enough; no usable price at all is an error.
    const timer = setTimeout(() => {
      const missing = contracts.find((c) => result[c.symbol] === undefined);
      if (!missing) return finish();
      const snapshot = snapshots.get(missing.symbol);
      if (!snapshot)
        return finish(new PriceUnavailableError(missing.symbol, `no quote within ${rules.timeoutMs} ms`));
      try {
        choosePrice(snapshot, clock.nowMs(), rules);
        finish(new PriceUnavailableError(missing.symbol, 'no usable price'));
      } catch (error) {
        finish(error as Error);
      }
    }, rules.timeoutMs);
    const onUpdate = (update: QuoteUpdate) => {
      if (finished) return;
      const snapshot = mergeQuote(snapshots.get(update.symbol), update);
      snapshots.set(update.symbol, snapshot);
      try {
        const chosen = choosePrice(snapshot, clock.nowMs(), rules);
        // Prefer a mid: a last or close may be followed by a two-sided quote in the same burst.
        if (chosen.source === 'mid' || result[update.symbol] === undefined) result[update.symbol] = chosen;
      } catch {
        return;
      }
      if (result[update.symbol]?.source === 'mid') {
        subscriptions.get(update.symbol)?.close();
        subscriptions.delete(update.symbol);
      }
      if (contracts.every((c) => result[c.symbol]?.source === 'mid')) finish();
    };
    for (const contract of contracts) {
      if (finished) break;
      const subscription = broker.quotes.subscribe(contract, onUpdate);
      // A quote may have arrived synchronously and already closed this symbol's need.
      if (result[contract.symbol]?.source === 'mid' || finished) subscription.close();
      else subscriptions.set(contract.symbol, subscription);
    }
    if (contracts.length === 0) finish();
  });
}
