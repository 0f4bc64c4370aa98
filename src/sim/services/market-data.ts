import { type GatewayContext, UNKNOWN_CONTRACT } from '../context.js';
import type { Quote } from '../ports.js';
import { msg } from '../protocol/messages.js';
import { parseReqMktData } from '../protocol/requests.js';
import type { MarketDataSubscription, Session } from '../session.js';

// IB's tick types (TickType in the API).
const TICK = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  HIGH: 6,
  LOW: 7,
  VOLUME: 8,
  CLOSE: 9,
  OPEN: 14,
  LAST_TIMESTAMP: 45,
  HALTED: 49,
} as const;

/** Level-1 market data: subscriptions, snapshots, the line limit and change-only tick streaming. */
export class MarketDataService {
  constructor(private readonly ctx: GatewayContext) {}

  effectiveDataType(session: Session): number {
    return session.marketDataType === 2 || session.marketDataType === 4 ? 2 : 1;
  }

  request(session: Session, fields: string[]): void {
    const request = parseReqMktData(fields);
    const instrument = this.ctx.resolve(request.contract);
    if (!instrument) {
      session.send(msg.error(request.reqId, 200, UNKNOWN_CONTRACT));
      return;
    }
    if (session.marketData.has(request.reqId)) {
      session.send(
        msg.error(
          request.reqId,
          322,
          `Error processing request.-'' : cause - Duplicate ticker id ${request.reqId}`,
        ),
      );
      return;
    }
    if (!request.snapshot && this.linesInUse() >= this.ctx.config.maxMarketDataLines) {
      session.send(
        msg.error(
          request.reqId,
          101,
          `Max number of tickers has been reached (${this.ctx.config.maxMarketDataLines})`,
        ),
      );
      return;
    }
    session.send(msg.tickReqParams(request.reqId, instrument.minTick, 'SMART'));
    session.send(msg.marketDataType(request.reqId, this.effectiveDataType(session)));
    const sub: MarketDataSubscription = {
      reqId: request.reqId,
      symbol: instrument.symbol,
      lastSent: new Map(),
    };
    const quote = this.ctx.dataAvailable(instrument.symbol)
      ? this.ctx.market.quoteAt(instrument.symbol, this.ctx.clock.nowMs())
      : undefined;
    if (quote) {
      session.send(msg.tickGeneric(request.reqId, TICK.HALTED, 0));
      this.sendTicks(session, sub, quote);
    }
    if (request.snapshot) {
      session.send(msg.tickSnapshotEnd(request.reqId));
      return;
    }
    session.marketData.set(request.reqId, sub);
  }

  linesInUse(): number {
    let lines = 0;
    for (const session of this.ctx.sessions()) lines += session.marketData.size;
    return lines;
  }

  /** Sends the ticks whose value changed since the last send (all of them the first time). */
  private sendTicks(session: Session, sub: MarketDataSubscription, quote: Quote): void {
    const last = sub.lastSent;
    const changed = (type: number, value: number): boolean => {
      if (!Number.isFinite(value) || last.get(type) === value) return false;
      last.set(type, value);
      return true;
    };
    const pairs: Array<[number, number, number, number]> = [
      [TICK.BID, quote.bid, TICK.BID_SIZE, quote.bidSize],
      [TICK.ASK, quote.ask, TICK.ASK_SIZE, quote.askSize],
      [TICK.LAST, quote.last, TICK.LAST_SIZE, quote.lastSize],
    ];
    let lastTraded = false;
    for (const [priceType, price, sizeType, size] of pairs) {
      const priceChanged = changed(priceType, price);
      const sizeChanged = changed(sizeType, size);
      if (priceChanged) {
        session.send(msg.tickPrice(sub.reqId, priceType, price, size, priceType === TICK.LAST ? 0 : 1));
        if (priceType === TICK.LAST) lastTraded = true;
      }
      if (priceChanged || sizeChanged) session.send(msg.tickSize(sub.reqId, sizeType, size));
    }
    if (changed(TICK.VOLUME, quote.volume)) {
      session.send(msg.tickSize(sub.reqId, TICK.VOLUME, quote.volume));
      lastTraded = true;
    }
    for (const [type, value] of [
      [TICK.HIGH, quote.high],
      [TICK.LOW, quote.low],
      [TICK.CLOSE, quote.close],
      [TICK.OPEN, quote.open],
    ] as const) {
      if (changed(type, value)) session.send(msg.tickPrice(sub.reqId, type, value, 0));
    }
    if (lastTraded) {
      session.send(
        msg.tickString(sub.reqId, TICK.LAST_TIMESTAMP, String(Math.floor(this.ctx.clock.nowMs() / 1000))),
      );
    }
  }

  /** Sends every subscription the ticks that changed since the last cadence. */
  onCadence(): void {
    const now = this.ctx.clock.nowMs();
    const quotes = new Map<string, Quote | undefined>();
    for (const session of this.ctx.sessions()) {
      if (!session.started || session.silenced) continue;
      for (const sub of session.marketData.values()) {
        if (!this.ctx.dataAvailable(sub.symbol)) continue;
        let quote = quotes.get(sub.symbol);
        if (!quotes.has(sub.symbol)) {
          quote = this.ctx.market.quoteAt(sub.symbol, now);
          quotes.set(sub.symbol, quote);
        }
        if (quote) this.sendTicks(session, sub, quote);
      }
    }
  }
}
