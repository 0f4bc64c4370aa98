import { seededRandom } from '../../core/random.js';
import type { Instrument, MarketModel } from '../ports.js';
import { Account, type AccountSnapshot, INITIAL_MARGIN_RATE, MAINTENANCE_MARGIN_RATE } from './account.js';
import {
  isWorking,
  type MarginFigures,
  type OrderAction,
  remainingOf,
  type SimExecution,
  type SimOrder,
  type SimOrderType,
  type SimTif,
} from './types.js';

export interface CommissionModel {
  /** USD per share (IB fixed pricing: 0.005). */
  perShare: number;
  /** Minimum per order (IB: 1.00). */
  minPerOrder: number;
  /** Maximum per order as a fraction of trade value (IB: 1%). */
  maxPctOfValue: number;
}

export interface FillModel {
  /** Adverse slippage in ticks (minTick) added to the touch price. */
  slippageTicks: number;
  /** Probability that one fill is clipped to `partialClipShares`. */
  partialFillProbability: number;
  partialClipShares: number;
}

export interface BrokerOptions {
  account: string;
  initialCash: number;
  seed: number;
  commission: CommissionModel;
  fill: FillModel;
  /** Exchange-local date key of an instant, for daily PnL and DAY order expiry. */
  dayKeyOf: (ms: number) => string;
  /** Shares an order may have filled in all, or undefined for no cap (the `hold-order` fault). */
  fillCap?: (order: SimOrder) => number | undefined;
}

export interface PlaceOrderInput {
  clientId: number;
  orderId: number;
  conId: number;
  symbol: string;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  tif: string;
  orderRef: string;
  account: string;
  outsideRth: boolean;
}

export type PlaceOutcome =
  | { kind: 'accepted'; order: SimOrder }
  | { kind: 'modified'; order: SimOrder }
  | { kind: 'rejected'; code: number; text: string; order?: SimOrder };

export type WhatIfOutcome =
  | { kind: 'answered'; before: MarginFigures; after: MarginFigures }
  | { kind: 'rejected'; code: number; text: string };

export interface OrderLogEntry {
  seq: number;
  simTimeMs: number;
  clientId: number;
  orderId: number;
  permId: number;
  account: string;
  symbol: string;
  conId: number;
  action: OrderAction;
  totalQuantity: number;
  orderType: SimOrderType;
  lmtPrice: number | null;
  tif: SimTif;
  orderRef: string;
  /** `place` for a new order, `modify` for a placeOrder on a working order id. */
  kind: 'place' | 'modify';
}

export interface BrokerEvents {
  onFill(order: SimOrder, execution: SimExecution): void;
  onOrderDone(order: SimOrder): void;
}

export interface BrokerSnapshot {
  account: AccountSnapshot;
  nextPermId: number;
  execSeq: number;
  orders: Array<Omit<SimOrder, 'instrument'> & { symbol: string }>;
  executions: Array<Omit<SimExecution, 'instrument'> & { symbol: string }>;
  orderLog: OrderLogEntry[];
}

const PERM_ID_BASE = 1_000_000_000;
const SESSION_SCAN_STEP_MS = 5 * 60_000;
const SESSION_SCAN_LIMIT_MS = 10 * 86_400_000;

/**
 * Orders, matching and executions of the paper account. Matching only happens when `match(now)` is
 * called (the gateway drives it from the sim clock); fills need an open market and a quote.
 */
export class Broker {
  readonly account: Account;
  private readonly orders = new Map<string, SimOrder>();
  /** The orders matching still has to look at; kept apart so long runs stay fast. */
  private readonly working = new Set<SimOrder>();
  private readonly executions: SimExecution[] = [];
  private readonly log: OrderLogEntry[] = [];
  private nextPermId = PERM_ID_BASE + 1;
  private execSeq = 0;
  private readonly random: () => number;
  private listeners: BrokerEvents[] = [];

  constructor(
    private readonly market: MarketModel,
    private readonly options: BrokerOptions,
  ) {
    this.account = new Account(options.account, options.initialCash, market, options.dayKeyOf);
    this.random = seededRandom(options.seed ^ 0x5eed);
  }

  subscribe(listener: BrokerEvents): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  allOrders(): SimOrder[] {
    return [...this.orders.values()];
  }

  workingOrders(): SimOrder[] {
    return [...this.working];
  }

  allExecutions(): readonly SimExecution[] {
    return this.executions;
  }

  orderLog(): readonly OrderLogEntry[] {
    return this.log;
  }

  order(clientId: number, orderId: number): SimOrder | undefined {
    return this.orders.get(orderKey(clientId, orderId));
  }

  /** Highest order id a client has used, for nextValidId. */
  maxOrderId(clientId: number): number {
    let max = 0;
    for (const order of this.orders.values())
      if (order.clientId === clientId) max = Math.max(max, order.orderId);
    return max;
  }

  place(input: PlaceOrderInput, nowMs: number): PlaceOutcome {
    const existing = this.order(input.clientId, input.orderId);
    if (existing && !isWorking(existing)) {
      return { kind: 'rejected', code: 103, text: 'Duplicate order id' };
    }
    const valid = this.validate(input);
    if ('code' in valid) return { kind: 'rejected', ...valid };
    const { instrument, tif, action, orderType } = valid;
    const margin = this.checkBuyingPower(instrument, input, existing, nowMs);
    if (margin) return { kind: 'rejected', code: 201, text: margin };

    if (existing) {
      existing.totalQuantity = Math.max(input.totalQuantity, existing.filled);
      existing.lmtPrice = orderType === 'LMT' ? input.lmtPrice : undefined;
      existing.orderType = orderType;
      existing.orderRef = input.orderRef;
      this.appendLog(existing, nowMs, 'modify');
      return { kind: 'modified', order: existing };
    }
    const order: SimOrder = {
      clientId: input.clientId,
      orderId: input.orderId,
      permId: this.nextPermId++,
      account: this.options.account,
      instrument,
      action,
      totalQuantity: input.totalQuantity,
      orderType,
      lmtPrice: orderType === 'LMT' ? input.lmtPrice : undefined,
      tif,
      orderRef: input.orderRef,
      outsideRth: input.outsideRth,
      status: this.market.isMarketOpen(nowMs) ? 'Submitted' : 'PreSubmitted',
      filled: 0,
      avgFillPrice: 0,
      lastFillPrice: 0,
      commission: 0,
      placedMs: nowMs,
      completedMs: undefined,
      expiresAtMs: tif === 'DAY' ? this.sessionCloseAfter(nowMs) : undefined,
      completedStatus: '',
    };
    this.orders.set(orderKey(order.clientId, order.orderId), order);
    this.working.add(order);
    this.appendLog(order, nowMs, 'place');
    return { kind: 'accepted', order };
  }

  cancel(clientId: number, orderId: number, nowMs: number): SimOrder | undefined {
    const order = this.order(clientId, orderId);
    if (!order || !isWorking(order)) return undefined;
    this.finish(order, 'Cancelled', 'Cancelled by Trader', nowMs);
    return order;
  }

  /** Fills what is fillable at `nowMs` and expires DAY orders whose session has closed. */
  match(nowMs: number): void {
    if (this.working.size === 0) return;
    const open = this.market.isMarketOpen(nowMs);
    for (const order of [...this.working]) {
      if (!isWorking(order)) {
        this.working.delete(order);
        continue;
      }
      if (order.expiresAtMs !== undefined && nowMs >= order.expiresAtMs) {
        this.finish(order, 'Cancelled', 'Cancelled: day order expired', nowMs);
        continue;
      }
      if (!open) continue;
      if (order.status === 'PreSubmitted') order.status = 'Submitted';
      this.tryFill(order, nowMs);
    }
  }

  hasWorkingOrders(): boolean {
    return this.working.size > 0;
  }

  /** Takes an accepted order out of matching without ending it (an order sent with transmit=false). */
  hold(order: SimOrder): void {
    order.status = 'Inactive';
    order.completedStatus = 'Not transmitted';
    this.working.delete(order);
  }

  private tryFill(order: SimOrder, nowMs: number): void {
    const quote = this.market.quoteAt(order.instrument.symbol, nowMs);
    if (!quote || !(quote.bid > 0) || !(quote.ask > 0)) return;
    const tick = order.instrument.minTick > 0 ? order.instrument.minTick : 0.01;
    const slip = this.options.fill.slippageTicks * tick;
    let price: number;
    if (order.action === 'BUY') {
      if (order.lmtPrice !== undefined && quote.ask > order.lmtPrice) return;
      price = quote.ask + slip;
      if (order.lmtPrice !== undefined) price = Math.min(price, order.lmtPrice);
    } else {
      if (order.lmtPrice !== undefined && quote.bid < order.lmtPrice) return;
      price = quote.bid - slip;
      if (order.lmtPrice !== undefined) price = Math.max(price, order.lmtPrice);
    }
    price = roundToTick(price, tick);
    const remaining = remainingOf(order);
    let shares = remaining;
    const { partialFillProbability, partialClipShares } = this.options.fill;
    if (
      partialFillProbability > 0 &&
      remaining > partialClipShares &&
      this.random() < partialFillProbability
    ) {
      const lot = Math.max(1, order.instrument.lotSize);
      shares = Math.max(lot, Math.floor(partialClipShares / lot) * lot);
    }
    const cap = this.options.fillCap?.(order);
    if (cap !== undefined) {
      const lot = Math.max(1, order.instrument.lotSize);
      const room = Math.floor((cap - order.filled) / lot) * lot;
      if (room <= 0) return;
      shares = Math.min(shares, room);
    }
    this.execute(order, shares, price, nowMs);
  }

  private execute(order: SimOrder, shares: number, price: number, nowMs: number): void {
    const commission = this.commissionFor(order, shares, price);
    const effect = this.account.applyFill(order.instrument, order.action, shares, price, commission);
    const cumQty = order.filled + shares;
    order.avgFillPrice = (order.avgFillPrice * order.filled + price * shares) / cumQty;
    order.filled = cumQty;
    order.lastFillPrice = price;
    order.commission += commission;
    this.execSeq += 1;
    const execution: SimExecution = {
      execId: `${order.permId.toString(16).padStart(8, '0')}.${this.execSeq.toString(16).padStart(8, '0')}.01.01`,
      clientId: order.clientId,
      orderId: order.orderId,
      permId: order.permId,
      account: order.account,
      instrument: order.instrument,
      side: order.action === 'BUY' ? 'BOT' : 'SLD',
      shares,
      price,
      timeMs: nowMs,
      cumQty,
      avgPrice: order.avgFillPrice,
      orderRef: order.orderRef,
      commission,
      realizedPnl: effect.realizedPnl,
    };
    this.executions.push(execution);
    if (order.filled >= order.totalQuantity) {
      this.working.delete(order);
      order.status = 'Filled';
      order.completedMs = nowMs;
      order.completedStatus = 'Filled';
    }
    for (const listener of this.listeners) listener.onFill(order, execution);
  }

  /** Per share with a per-order minimum and a cap at a share of trade value (IB fixed pricing). */
  private commissionFor(order: SimOrder, shares: number, price: number): number {
    const { perShare, minPerOrder, maxPctOfValue } = this.options.commission;
    const cumShares = order.filled + shares;
    const cumValue = order.avgFillPrice * order.filled + price * shares;
    let total = Math.max(minPerOrder, perShare * cumShares);
    if (maxPctOfValue > 0) total = Math.min(total, maxPctOfValue * cumValue);
    return round2(Math.max(0, total - order.commission));
  }

  /** The checks every placeOrder passes before margin: the instrument and the order's own fields. */
  private validate(
    input: PlaceOrderInput,
  ):
    | { instrument: Instrument; tif: SimTif; action: OrderAction; orderType: SimOrderType }
    | { code: number; text: string } {
    const instrument =
      this.market.instruments.find((i) => input.conId > 0 && i.conId === input.conId) ??
      this.market.instrument(input.symbol.toUpperCase());
    if (!instrument || (input.conId > 0 && instrument.conId !== input.conId)) {
      return { code: 200, text: 'No security definition has been found for the request' };
    }
    if (!(input.totalQuantity > 0) || !Number.isFinite(input.totalQuantity)) {
      return {
        code: input.totalQuantity === 0 ? 434 : 201,
        text:
          input.totalQuantity === 0
            ? 'The order size cannot be zero.'
            : 'Order rejected - reason:The order quantity must be positive.',
      };
    }
    if (input.action !== 'BUY' && input.action !== 'SELL') {
      return {
        code: 201,
        text: `Order rejected - reason:Invalid action "${input.action}".`,
      };
    }
    if (input.orderType !== 'MKT' && input.orderType !== 'LMT') {
      return {
        code: 201,
        text: `Order rejected - reason:Order type ${input.orderType} is not supported by the paper gateway.`,
      };
    }
    const tif = input.tif === '' ? 'DAY' : input.tif;
    if (tif !== 'DAY' && tif !== 'GTC') {
      return {
        code: 201,
        text: `Order rejected - reason:Time in force ${tif} is not supported.`,
      };
    }
    if (input.orderType === 'LMT' && (input.lmtPrice === undefined || !(input.lmtPrice > 0))) {
      return {
        code: 201,
        text: 'Order rejected - reason:A limit order needs a positive limit price.',
      };
    }
    if (input.account !== '' && input.account !== this.options.account) {
      return {
        code: 201,
        text: `Order rejected - reason:Unknown account ${input.account}.`,
      };
    }
    const lot = Math.max(1, instrument.lotSize);
    if (input.totalQuantity % lot !== 0) {
      return {
        code: 201,
        text: `Order rejected - reason:The order size must be a multiple of the lot size ${lot}.`,
      };
    }
    return { instrument, tif, action: input.action, orderType: input.orderType };
  }

  /**
   * IB's what-if: the margin figures before and after the order, as its orderState carries them;
   * nothing is placed, logged or reserved. Reg-T style like the account (see account.ts).
   */
  whatIf(input: PlaceOrderInput, nowMs: number): WhatIfOutcome {
    const valid = this.validate(input);
    if ('code' in valid) return { kind: 'rejected', ...valid };
    const { instrument } = valid;
    const values = this.account.values(nowMs);
    const signed = input.action === 'BUY' ? input.totalQuantity : -input.totalQuantity;
    const price = this.referencePrice(instrument, input, nowMs);
    const before: MarginFigures = {
      initMargin: values.initMarginReq,
      maintMargin: values.maintMarginReq,
      equityWithLoan: values.equityWithLoanValue,
    };
    if (!(price > 0)) return { kind: 'answered', before, after: before };
    const { initMargin } = this.account.marginAfter(instrument, signed, price, nowMs);
    return {
      kind: 'answered',
      before,
      after: {
        initMargin,
        maintMargin: initMargin * (MAINTENANCE_MARGIN_RATE / INITIAL_MARGIN_RATE),
        equityWithLoan: values.equityWithLoanValue,
      },
    };
  }

  /** The price an order is checked at: its limit, else the touch it would trade at, else the last. */
  private referencePrice(instrument: Instrument, input: PlaceOrderInput, nowMs: number): number {
    const quote = this.market.quoteAt(instrument.symbol, nowMs);
    return input.orderType === 'LMT' && input.lmtPrice !== undefined
      ? input.lmtPrice
      : input.action === 'BUY'
        ? (quote?.ask ?? quote?.last ?? 0)
        : (quote?.bid ?? quote?.last ?? 0);
  }

  private checkBuyingPower(
    instrument: Instrument,
    input: PlaceOrderInput,
    existing: SimOrder | undefined,
    nowMs: number,
  ): string | undefined {
    const signed = input.action === 'BUY' ? input.totalQuantity : -input.totalQuantity;
    const current = this.account.positions.get(instrument.symbol)?.quantity ?? 0;
    // Orders that only reduce a position never need margin.
    if (Math.abs(current + signed) <= Math.abs(current)) return undefined;
    const reference = this.referencePrice(instrument, input, nowMs);
    if (!(reference > 0)) return undefined;
    let pending = 0;
    for (const o of this.workingOrders()) {
      if (o === existing || o.instrument.symbol !== instrument.symbol) continue;
      pending += (o.action === 'BUY' ? 1 : -1) * remainingOf(o);
    }
    const { initMargin, equity } = this.account.marginAfter(instrument, signed + pending, reference, nowMs);
    if (initMargin <= equity) return undefined;
    return (
      'Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION ' +
      `YOUR EQUITY WITH LOAN VALUE [${equity.toFixed(2)} USD] MUST EXCEED THE INITIAL MARGIN [${initMargin.toFixed(2)} USD]`
    );
  }

  private finish(order: SimOrder, status: 'Cancelled' | 'Inactive', why: string, nowMs: number): void {
    this.working.delete(order);
    order.status = status;
    order.completedMs = nowMs;
    order.completedStatus = why;
    for (const listener of this.listeners) listener.onOrderDone(order);
  }

  private appendLog(order: SimOrder, nowMs: number, kind: 'place' | 'modify'): void {
    this.log.push({
      seq: this.log.length + 1,
      simTimeMs: nowMs,
      clientId: order.clientId,
      orderId: order.orderId,
      permId: order.permId,
      account: order.account,
      symbol: order.instrument.symbol,
      conId: order.instrument.conId,
      action: order.action,
      totalQuantity: order.totalQuantity,
      orderType: order.orderType,
      lmtPrice: order.lmtPrice ?? null,
      tif: order.tif,
      orderRef: order.orderRef,
      kind,
    });
  }

  /** End of the session that is open at `ms`, or of the next one (DAY order expiry). */
  sessionCloseAfter(ms: number): number | undefined {
    let t = ms;
    const limit = ms + SESSION_SCAN_LIMIT_MS;
    while (!this.market.isMarketOpen(t)) {
      t += SESSION_SCAN_STEP_MS;
      if (t > limit) return undefined;
    }
    while (this.market.isMarketOpen(t)) {
      t += SESSION_SCAN_STEP_MS;
      if (t > limit) return undefined;
    }
    // Refine to the minute: closes fall on whole minutes.
    let close = t;
    for (let probe = t - 60_000; probe > t - SESSION_SCAN_STEP_MS; probe -= 60_000) {
      if (this.market.isMarketOpen(probe)) break;
      close = probe;
    }
    return close;
  }

  snapshot(): BrokerSnapshot {
    return {
      account: this.account.snapshot(),
      nextPermId: this.nextPermId,
      execSeq: this.execSeq,
      orders: this.allOrders().map(({ instrument, ...rest }) => ({ ...rest, symbol: instrument.symbol })),
      executions: this.executions.map(({ instrument, ...rest }) => ({ ...rest, symbol: instrument.symbol })),
      orderLog: [...this.log],
    };
  }

  restore(snapshot: BrokerSnapshot): void {
    this.account.restore(snapshot.account);
    this.nextPermId = snapshot.nextPermId;
    this.execSeq = snapshot.execSeq;
    this.orders.clear();
    this.working.clear();
    for (const { symbol, ...rest } of snapshot.orders) {
      const instrument = this.market.instrument(symbol);
      if (!instrument) continue;
      const order: SimOrder = { ...rest, instrument };
      this.orders.set(orderKey(order.clientId, order.orderId), order);
      if (isWorking(order)) this.working.add(order);
    }
    this.executions.length = 0;
    for (const { symbol, ...rest } of snapshot.executions) {
      const instrument = this.market.instrument(symbol);
      if (instrument) this.executions.push({ ...rest, instrument });
    }
    this.log.length = 0;
    this.log.push(...snapshot.orderLog);
  }
}

function orderKey(clientId: number, orderId: number): string {
  return `${clientId}:${orderId}`;
}

function roundToTick(price: number, tick: number): number {
  return Number((Math.round(price / tick) * tick).toFixed(6));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
