import type { Instrument, MarketModel } from '../ports.js';

/**
 * Cash, positions and PnL of the one paper account.
 *
 * Margin model (Reg-T style, documented in docs/sim.md): initial margin is 50% and maintenance margin
 * 25% of gross position value; EquityWithLoanValue equals NetLiquidation; AvailableFunds =
 * EquityWithLoanValue - InitMarginReq; ExcessLiquidity = EquityWithLoanValue - MaintMarginReq;
 * BuyingPower = AvailableFunds / 50% (that is, 2x). Average cost includes commissions, as IB's does.
 */
export const INITIAL_MARGIN_RATE = 0.5;
export const MAINTENANCE_MARGIN_RATE = 0.25;

export interface Position {
  instrument: Instrument;
  quantity: number;
  /** Per share, commissions included. */
  averageCost: number;
  realizedPnl: number;
  /** Quantity held at the start of the trading day (valued at the previous close in daily PnL). */
  dayStartQuantity: number;
  /** Money paid for today's trades in this symbol (sells negative), commissions included. */
  dayTradeCost: number;
}

export interface AccountValues {
  cash: number;
  netLiquidation: number;
  grossPositionValue: number;
  equityWithLoanValue: number;
  initMarginReq: number;
  maintMarginReq: number;
  availableFunds: number;
  excessLiquidity: number;
  buyingPower: number;
  unrealizedPnl: number;
  realizedPnl: number;
  dailyPnl: number;
}

export interface FillEffect {
  /** Realised PnL of this fill, commissions included; undefined if it only opened/added. */
  realizedPnl: number | undefined;
}

export interface AccountSnapshot {
  cash: number;
  realizedPnl: number;
  positions: Array<{
    symbol: string;
    quantity: number;
    averageCost: number;
    realizedPnl: number;
    dayStartQuantity?: number;
    dayTradeCost?: number;
  }>;
  dayKey: string;
  dayStartNetLiquidation: number;
}

export class Account {
  cash: number;
  realizedPnl = 0;
  readonly positions = new Map<string, Position>();
  private dayKey = '';
  private dayStartNetLiquidation = 0;

  constructor(
    readonly accountId: string,
    initialCash: number,
    private readonly market: MarketModel,
    private readonly dayKeyOf: (ms: number) => string,
  ) {
    this.cash = initialCash;
    this.dayStartNetLiquidation = initialCash;
  }

  /** Mark price: last trade, else mid, else average cost (no data then). */
  markPrice(instrument: Instrument, nowMs: number, fallback: number): number {
    const quote = this.market.quoteAt(instrument.symbol, nowMs);
    if (!quote) return fallback;
    if (quote.last > 0) return quote.last;
    if (quote.bid > 0 && quote.ask > 0) return (quote.bid + quote.ask) / 2;
    return fallback;
  }

  applyFill(
    instrument: Instrument,
    side: 'BUY' | 'SELL',
    shares: number,
    price: number,
    commission: number,
  ): FillEffect {
    const signed = side === 'BUY' ? shares : -shares;
    this.cash -= signed * price + commission;
    const position = this.positions.get(instrument.symbol) ?? {
      instrument,
      quantity: 0,
      averageCost: 0,
      realizedPnl: 0,
      dayStartQuantity: 0,
      dayTradeCost: 0,
    };
    position.dayTradeCost += signed * price + commission;
    const before = position.quantity;
    let realized: number | undefined;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      const cost = Math.abs(before) * position.averageCost + shares * price + commission;
      position.quantity = before + signed;
      position.averageCost = cost / Math.abs(position.quantity);
    } else {
      const closing = Math.min(Math.abs(before), shares);
      const direction = Math.sign(before);
      const commissionOnClose = (commission * closing) / shares;
      realized = direction * closing * (price - position.averageCost) - commissionOnClose;
      const opening = shares - closing;
      position.quantity = before + signed;
      if (opening > 0) position.averageCost = price + (commission - commissionOnClose) / opening;
      if (position.quantity === 0) position.averageCost = 0;
      position.realizedPnl += realized;
      this.realizedPnl += realized;
    }
    this.positions.set(instrument.symbol, position);
    return { realizedPnl: realized };
  }

  values(nowMs: number): AccountValues {
    let marketValue = 0;
    let gross = 0;
    let unrealized = 0;
    const netBeforeRoll = this.netLiquidationAt(nowMs);
    this.rollDay(nowMs, netBeforeRoll);
    let daily = 0;
    for (const p of this.positions.values()) {
      daily += this.dailyPnlOf(p, nowMs);
      if (p.quantity === 0) continue;
      const price = this.markPrice(p.instrument, nowMs, p.averageCost);
      marketValue += p.quantity * price;
      gross += Math.abs(p.quantity * price);
      unrealized += p.quantity * (price - p.averageCost);
    }
    const netLiquidation = this.cash + marketValue;
    const initMarginReq = gross * INITIAL_MARGIN_RATE;
    const maintMarginReq = gross * MAINTENANCE_MARGIN_RATE;
    const availableFunds = netLiquidation - initMarginReq;
    return {
      cash: this.cash,
      netLiquidation,
      grossPositionValue: gross,
      equityWithLoanValue: netLiquidation,
      initMarginReq,
      maintMarginReq,
      availableFunds,
      excessLiquidity: netLiquidation - maintMarginReq,
      buyingPower: Math.max(0, availableFunds / INITIAL_MARGIN_RATE),
      unrealizedPnl: unrealized,
      realizedPnl: this.realizedPnl,
      dailyPnl: daily,
    };
  }

  /**
   * Initial margin the account would need after adding `signedShares` at `price`, and the equity
   * it would have (commission ignored): the pre-trade buying-power check.
   */
  marginAfter(
    instrument: Instrument,
    signedShares: number,
    price: number,
    nowMs: number,
  ): { initMargin: number; equity: number } {
    const values = this.values(nowMs);
    const position = this.positions.get(instrument.symbol);
    const currentQty = position?.quantity ?? 0;
    const mark = position ? this.markPrice(instrument, nowMs, price) : price;
    const grossBefore = Math.abs(currentQty * mark);
    const grossAfter = Math.abs((currentQty + signedShares) * price);
    return {
      initMargin: (values.grossPositionValue - grossBefore + grossAfter) * INITIAL_MARGIN_RATE,
      equity: values.equityWithLoanValue,
    };
  }

  private netLiquidationAt(nowMs: number): number {
    let value = this.cash;
    for (const p of this.positions.values()) {
      if (p.quantity !== 0) value += p.quantity * this.markPrice(p.instrument, nowMs, p.averageCost);
    }
    return value;
  }

  /**
   * Daily PnL starts over at the first valuation of each trading day (exchange-local date): what is
   * held then counts from the previous close, what is traded later from its fill price.
   */
  private rollDay(nowMs: number, netLiquidation: number): void {
    const key = this.dayKeyOf(nowMs);
    if (key !== this.dayKey) {
      if (this.dayKey !== '') {
        this.dayStartNetLiquidation = netLiquidation;
        for (const p of this.positions.values()) {
          p.dayStartQuantity = p.quantity;
          p.dayTradeCost = 0;
        }
      }
      this.dayKey = key;
    }
  }

  /**
   * Today's PnL of one position, as IB's reqPnLSingle reports it: the value now, less the value at the
   * previous close of what was held at the start of the day, less what today's trades cost. The
   * account's daily PnL (reqPnL) is the sum over positions, so the two always agree.
   */
  dailyPnlOf(position: Position, nowMs: number): number {
    const price = this.markPrice(position.instrument, nowMs, position.averageCost);
    const close = this.market.quoteAt(position.instrument.symbol, nowMs)?.close ?? price;
    const previousClose = close > 0 ? close : price;
    return position.quantity * price - position.dayStartQuantity * previousClose - position.dayTradeCost;
  }

  snapshot(): AccountSnapshot {
    return {
      cash: this.cash,
      realizedPnl: this.realizedPnl,
      positions: [...this.positions.values()].map((p) => ({
        symbol: p.instrument.symbol,
        quantity: p.quantity,
        averageCost: p.averageCost,
        realizedPnl: p.realizedPnl,
        dayStartQuantity: p.dayStartQuantity,
        dayTradeCost: p.dayTradeCost,
      })),
      dayKey: this.dayKey,
      dayStartNetLiquidation: this.dayStartNetLiquidation,
    };
  }

  restore(snapshot: AccountSnapshot): void {
    this.cash = snapshot.cash;
    this.realizedPnl = snapshot.realizedPnl;
    this.positions.clear();
    for (const p of snapshot.positions) {
      const instrument = this.market.instrument(p.symbol);
      if (!instrument) continue;
      this.positions.set(p.symbol, {
        instrument,
        ...p,
        // State files written before these fields existed: count the position from the previous close.
        dayStartQuantity: p.dayStartQuantity ?? p.quantity,
        dayTradeCost: p.dayTradeCost ?? 0,
      });
    }
    this.dayKey = snapshot.dayKey;
    this.dayStartNetLiquidation = snapshot.dayStartNetLiquidation;
  }
}
