import type { OrderSide, OrderType, TimeInForce } from '../brokerage/index.js';
import type { RunKind } from '../contract/execution.js';
import type { RunPreTradeView } from '../contract/pretrade.js';
import type { OrderState } from './state-machine.js';

/** BLOCKED: a pre-trade rule failed and nothing of the run was sent (see `preTrade`). */
export const RUN_STATUSES = ['PLANNING', 'SUBMITTING', 'WORKING', 'COMPLETED', 'FAILED', 'BLOCKED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface TradeRun {
  id: number;
  /** The project's name when the run was created. */
  project: string;
  /** The run key is (projectId, tradingDate, runKey); null only for runs from before runs named ids. */
  projectId: number | null;
  tradingDate: string;
  /** `scheduled` (the weekly or manual run of the day) or `defensive:<haltKey>` (see run-key.ts). */
  runKey: string;
  kind: RunKind;
  mode: string;
  status: RunStatus;
  weights: Record<string, number>;
  targets: Record<string, number> | null;
  plan: Record<string, unknown> | null;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The decision snapshot the run trades and its content hash at creation (null: a run from before snapshots). */
  snapshotId: number | null;
  snapshotHash: string | null;
  /** Every pre-trade rule's verdict of the run's latest order list; null before any was checked. */
  preTrade: RunPreTradeView | null;
}

export interface TradeOrder {
  id: number;
  runId: number;
  clientOrderId: string;
  symbol: string;
  conId: number;
  side: OrderSide;
  leg: number;
  quantity: number;
  orderType: OrderType;
  limitPrice: number | null;
  tif: TimeInForce;
  account: string;
  status: OrderState;
  ibStatus: string | null;
  ibOrderId: number | null;
  permId: number | null;
  filledQty: number;
  avgFillPrice: number | null;
  leaseToken: number;
  sendAttempts: number;
  lastError: string | null;
  adopted: boolean;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
}

export interface TradeOrderEvent {
  id: number;
  orderId: number;
  time: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  ibStatus: string | null;
  accepted: boolean;
  detail: Record<string, unknown> | null;
}

export interface TradeFill {
  execId: string;
  orderId: number;
  clientOrderId: string;
  ibOrderId: number;
  permId: number;
  account: string;
  symbol: string;
  side: OrderSide;
  shares: number;
  price: number;
  exchange: string;
  execTime: string;
  commission: number | null;
  commissionCurrency: string | null;
  realizedPnl: number | null;
  recordedAt: string;
}

/** An order to create: quantity > 0, side says the direction. */
export interface OrderIntent {
  symbol: string;
  conId: number;
  side: OrderSide;
  quantity: number;
  orderType: OrderType;
  limitPrice: number | null;
  tif: TimeInForce;
  account: string;
}
