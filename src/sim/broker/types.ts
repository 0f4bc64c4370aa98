import type { Instrument } from '../ports.js';

export type OrderAction = 'BUY' | 'SELL';
export type SimOrderType = 'MKT' | 'LMT';
export type SimTif = 'DAY' | 'GTC';
/** IB's order status texts. */
export type OrderStatusText = 'PreSubmitted' | 'Submitted' | 'Filled' | 'Cancelled' | 'Inactive';

export interface SimOrder {
  clientId: number;
  orderId: number;
  permId: number;
  account: string;
  instrument: Instrument;
  action: OrderAction;
  totalQuantity: number;
  orderType: SimOrderType;
  lmtPrice: number | undefined;
  tif: SimTif;
  orderRef: string;
  outsideRth: boolean;
  status: OrderStatusText;
  filled: number;
  avgFillPrice: number;
  lastFillPrice: number;
  commission: number;
  placedMs: number;
  /** Sim time the order ended (filled, cancelled, expired). */
  completedMs: number | undefined;
  /** For DAY orders: the session close after which the order expires. */
  expiresAtMs: number | undefined;
  /** Why the order ended: IB's completedStatus text. */
  completedStatus: string;
}

/** Margin figures of IB's what-if orderState (before or after the order). */
export interface MarginFigures {
  initMargin: number;
  maintMargin: number;
  equityWithLoan: number;
}

export interface SimExecution {
  execId: string;
  clientId: number;
  orderId: number;
  permId: number;
  account: string;
  instrument: Instrument;
  side: 'BOT' | 'SLD';
  shares: number;
  price: number;
  timeMs: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
  commission: number;
  /** Realised PnL of this execution; undefined when it only opened or added to a position. */
  realizedPnl: number | undefined;
}

export function remainingOf(order: SimOrder): number {
  return order.totalQuantity - order.filled;
}

export function isWorking(order: SimOrder): boolean {
  return order.status === 'PreSubmitted' || order.status === 'Submitted';
}
