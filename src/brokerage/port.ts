/**
 * The Brokerage port: everything the trading side needs from a broker, and nothing IB-specific.
 * The IB adapter (`brokerage/ib/`) implements it over the TWS socket API; one contract test suite
 * runs against it. Execution, reconciliation and market data depend only on this file.
 *
 * Invariants every implementation keeps:
 * - Nothing is queued while disconnected: a request made while not CONNECTED (DEGRADED allows reads
 *   but refuses orders) fails at once with `BrokerUnavailableError`.
 * - Order ids come from a local counter seeded by the broker's next valid id, never from a fresh
 *   request per order.
 * - Repeated broker messages are delivered as they come; consumers must be idempotent.
 */

import type { IbReason } from '../contract/ib.js';
import { type Message, msg } from '../contract/messages.js';
import type { ErrorText } from '../core/errors.js';

export type ConnectionStatus = 'DISCONNECTED' | 'CONNECTING' | 'CONNECTED' | 'DEGRADED';

export interface BrokerErrorInfo {
  /** Request or order id the error belongs to; -1 for connection-level messages. */
  id: number;
  code: number;
  message: string;
  atMs: number;
  /** Our own errors (code 0, e.g. a heartbeat timeout) as a code the UI renders; IB's have none. */
  reasonCode?: IbReason;
}

export interface ConnectionState {
  status: ConnectionStatus;
  /** Why the state is what it is, e.g. "1100: connectivity lost", "heartbeat timeout". */
  reason: string | null;
  /** The same reason as a code the UI renders in its language (absent: brokers without codes). */
  reasonCode?: IbReason | null;
  sinceMs: number;
  host: string;
  port: number;
  clientId: number;
  serverVersion: number | null;
  managedAccounts: string[];
  lastHeartbeatMs: number | null;
  reconnectCount: number;
  lastError: BrokerErrorInfo | null;
}

/** Why the trading side must compare its records with the broker's now. */
export type ReconcileReason =
  | 'startup'
  | 'reconnect'
  | 'restored-data-lost'
  | 'restored-data-kept'
  | 'manual';

export interface ConnectionPort {
  state(): ConnectionState;
  /** Connects and keeps reconnecting (capped backoff) until `stop()`. Resolves at the first CONNECTED. */
  start(): Promise<void>;
  stop(): Promise<void>;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  /** Fires after any reconnect, 1101 or 1102 (and at the first connect, with 'startup'). */
  onReconcileNeeded(listener: (reason: ReconcileReason) => void): () => void;
  /**
   * Fires when the broker dropped one message of this session without saying which (IB: error 100,
   * message rate exceeded): an order sent before it may be lost. Optional: brokers that never drop.
   */
  onMessageDropped?(listener: (info: BrokerErrorInfo) => void): () => void;
}

export interface ContractQuery {
  symbol: string;
  secType?: 'STK';
  currency?: string;
  exchange?: string;
  primaryExchange?: string;
}

export interface BrokerContract {
  symbol: string;
  conId: number;
  secType: 'STK';
  exchange: string;
  primaryExchange: string;
  currency: string;
  multiplier: number;
  minTick: number;
  /** Minimum size increment (IB's sizeIncrement / minSize); 1 for US stocks. */
  lotSize: number;
  longName: string;
  industry: string;
  category: string;
  timeZoneId: string;
  tradingHours: string;
  liquidHours: string;
}

export interface QuoteUpdate {
  symbol: string;
  conId: number;
  timeMs: number;
  bid?: number;
  ask?: number;
  last?: number;
  bidSize?: number;
  askSize?: number;
  lastSize?: number;
  volume?: number;
  high?: number;
  low?: number;
  open?: number;
  /** Previous session's close. */
  close?: number;
}

export interface Subscription {
  close(): void;
}

export type BarSource = 'TRADES' | 'MIDPOINT' | 'ADJUSTED_LAST';

export interface BarRequest {
  contract: BrokerContract;
  /** null = now. */
  endMs: number | null;
  /** IB duration string, e.g. "1 Y", "30 D", "3600 S". */
  duration: string;
  /** IB bar size, e.g. "1 day", "1 min". */
  barSize: string;
  whatToShow: BarSource;
  useRth: boolean;
}

export interface BrokerBar {
  /** Start of the bar (daily bars: 00:00 UTC of the session date). */
  timeMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
  count: number;
}

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'MKT' | 'LMT';
export type TimeInForce = 'DAY' | 'GTC';

export interface OrderRequest {
  /** From `orders.nextOrderId()`. */
  orderId: number;
  /** Our deterministic client order id; IB echoes it in every order message. */
  orderRef: string;
  contract: BrokerContract;
  side: OrderSide;
  quantity: number;
  type: OrderType;
  limitPrice?: number;
  tif: TimeInForce;
  account: string;
}

/** IB's own order status strings, passed through unchanged; the execution module maps them. */
export type BrokerOrderStatus =
  | 'ApiPending'
  | 'PendingSubmit'
  | 'PendingCancel'
  | 'PreSubmitted'
  | 'Submitted'
  | 'ApiCancelled'
  | 'Cancelled'
  | 'Filled'
  | 'Inactive';

export interface OrderStatusUpdate {
  orderId: number;
  permId: number;
  clientId: number;
  status: BrokerOrderStatus;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  lastFillPrice: number;
  whyHeld: string;
  timeMs: number;
}

export interface BrokerOrder {
  orderId: number;
  permId: number;
  clientId: number;
  orderRef: string;
  account: string;
  symbol: string;
  conId: number;
  side: OrderSide;
  quantity: number;
  type: OrderType;
  limitPrice: number | null;
  tif: TimeInForce;
  status: BrokerOrderStatus;
  filled: number;
  remaining: number;
}

export interface BrokerExecution {
  execId: string;
  orderId: number;
  permId: number;
  clientId: number;
  orderRef: string;
  account: string;
  symbol: string;
  conId: number;
  side: OrderSide;
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  exchange: string;
  timeMs: number;
}

export interface BrokerCommission {
  execId: string;
  commission: number;
  currency: string;
  realizedPnl: number | null;
}

export interface ExecutionFilter {
  clientId?: number;
  account?: string;
  /** Executions at or after this instant. */
  sinceMs?: number;
  symbol?: string;
  side?: OrderSide;
}

export interface BrokerPosition {
  account: string;
  symbol: string;
  conId: number;
  quantity: number;
  avgCost: number;
}

export interface AccountSummary {
  account: string;
  currency: string;
  netLiquidation: number;
  totalCash: number;
  buyingPower: number;
  availableFunds: number;
  excessLiquidity: number;
  grossPositionValue: number;
  /** Initial and maintenance margin (InitMarginReq, MaintMarginReq); absent if the broker omits them. */
  initMarginReq?: number;
  maintMarginReq?: number;
}

/** A position as the account updates report it: valued at the broker's own mark. */
export interface PortfolioPosition extends BrokerPosition {
  marketPrice: number;
  marketValue: number;
  unrealizedPnl: number;
  realizedPnl: number;
}

/** The account's PnL (reqPnL); null where the broker sends "unset". */
export interface AccountPnl {
  dailyPnl: number | null;
  unrealizedPnl: number | null;
  realizedPnl: number | null;
}

export interface OrderEvents {
  onStatus(listener: (update: OrderStatusUpdate) => void): () => void;
  onOpenOrder(listener: (order: BrokerOrder) => void): () => void;
  onExecution(listener: (execution: BrokerExecution) => void): () => void;
  onCommission(listener: (commission: BrokerCommission) => void): () => void;
  /** Order-level errors (201 rejected, 202 cancelled, 10148, ...), keyed by order id. */
  onOrderError(listener: (error: BrokerErrorInfo) => void): () => void;
}

export interface OrdersPort extends OrderEvents {
  /** Next id from the local counter (seeded by nextValidId, bumped past every id the broker shows). */
  nextOrderId(): number;
  /** Sends at once or throws `BrokerUnavailableError`; never queues. */
  place(order: OrderRequest): void;
  cancel(orderId: number): void;
  /** All open orders of the account (reqAllOpenOrders). */
  openOrders(): Promise<BrokerOrder[]>;
  /** Orders that ended today (reqCompletedOrders). */
  completedOrders(): Promise<BrokerOrder[]>;
  /** Executions with their commissions (reqExecutions). */
  executions(
    filter?: ExecutionFilter,
  ): Promise<{ executions: BrokerExecution[]; commissions: BrokerCommission[] }>;
  /**
   * IB's what-if: the order sent with `whatIf` set, answered with the margin it would need; nothing
   * is placed. Rejects with `BrokerRequestError` when IB refuses the order. Absent: not supported.
   */
  whatIf?(order: OrderRequest): Promise<WhatIfAnswer>;
}

/** Margin figures of one what-if order (account currency); null where IB left a figure unset. */
export interface WhatIfAnswer {
  initMarginBefore: number | null;
  maintMarginBefore: number | null;
  equityWithLoanBefore: number | null;
  initMarginChange: number | null;
  maintMarginChange: number | null;
  equityWithLoanChange: number | null;
  initMarginAfter: number | null;
  maintMarginAfter: number | null;
  equityWithLoanAfter: number | null;
  warningText: string;
}

export interface Brokerage {
  readonly name: string;
  readonly connection: ConnectionPort;
  readonly contracts: {
    /** Every match; rejects with `BrokerRequestError` (code 200) for an unknown symbol. */
    resolve(query: ContractQuery): Promise<BrokerContract[]>;
  };
  readonly quotes: {
    /** Re-sent by the adapter after a reconnect or 1101; closed subscriptions are not. */
    subscribe(contract: BrokerContract, onUpdate: (update: QuoteUpdate) => void): Subscription;
    /** One quote without a subscription (no market data line); fails with the broker's error. */
    snapshot(contract: BrokerContract): Promise<QuoteUpdate>;
  };
  readonly history: {
    bars(request: BarRequest): Promise<BrokerBar[]>;
  };
  readonly orders: OrdersPort;
  readonly account: {
    positions(): Promise<BrokerPosition[]>;
    summary(): Promise<AccountSummary>;
    /** Positions at market with their PnL (IB: reqAccountUpdates, one download, then unsubscribed). */
    portfolio?(): Promise<PortfolioPosition[]>;
    /** Today's, unrealised and realised PnL of the account (IB: reqPnL, first answer, then cancelled). */
    pnl?(): Promise<AccountPnl>;
  };
}

/**
 * The broker is not connected (or not tradable); nothing was sent. `message` is English (logs);
 * `reasonCode` says why as a code and `text` the whole refusal as a catalogued message, which HTTP
 * answers and stored records carry so that the UI says it in its language. Brokers without reason
 * codes give none: the text then names the status only.
 */
export class BrokerUnavailableError extends Error implements ErrorText {
  readonly text: Message;

  constructor(
    readonly status: ConnectionStatus,
    detail: string,
    readonly reasonCode: IbReason | null = null,
  ) {
    super(`broker unavailable (${status}): ${detail}`);
    this.name = 'BrokerUnavailableError';
    this.text = reasonCode
      ? msg('BROKER_UNAVAILABLE', { status, reason: reasonCode })
      : msg('BROKER_NOT_CONNECTED', { status });
  }
}

/** The broker answered a request with an error (e.g. 200 no security definition, 162 pacing). */
export class BrokerRequestError extends Error implements ErrorText {
  readonly text: Message;

  constructor(
    readonly code: number,
    /** The broker's own words. */
    readonly brokerMessage: string,
  ) {
    super(`IB error ${code}: ${brokerMessage}`);
    this.name = 'BrokerRequestError';
    const reason = brokerFailureReason(this);
    this.text = reason
      ? msg('BROKER_REQUEST_FAILED', { reason })
      : msg('BROKER_REQUEST_INVALID', { detail: brokerMessage });
  }
}

/** A request got no answer in time. */
export class BrokerTimeoutError extends Error implements ErrorText {
  readonly text: Message;

  constructor(
    what: string,
    readonly ms: number,
  ) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'BrokerTimeoutError';
    this.text = msg('BROKER_REQUEST_FAILED', { reason: { code: 'no-answer', ms } });
  }
}

/**
 * Why a broker request failed, as a code the UI renders, for records that keep the failure (e.g. a
 * backfill's failed chunks); null for errors that are not the broker's.
 */
export function brokerFailureReason(error: unknown): IbReason | null {
  if (error instanceof BrokerUnavailableError) return error.reasonCode;
  // Code 0: our own check before sending (English, not the broker's words): no code for it yet.
  if (error instanceof BrokerRequestError && error.code !== 0)
    return { code: 'ib-message', ibCode: error.code, ibMessage: error.brokerMessage };
  if (error instanceof BrokerTimeoutError) return { code: 'no-answer', ms: error.ms };
  return null;
}
