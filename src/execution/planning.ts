import type { OrderSide } from '../brokerage/index.js';
import type { TradeOrder } from './types.js';

export interface PlanInput {
  /** Target shares per symbol (0 = exit). Symbols not listed are left alone. */
  targets: Readonly<Record<string, number>>;
  /** Current shares per symbol at the broker. */
  positions: Readonly<Record<string, number>>;
  /** This project's orders that are not final yet (NEW, SUBMITTED, PARTIAL). */
  openOrders: readonly Pick<TradeOrder, 'symbol' | 'side' | 'quantity' | 'filledQty'>[];
  /** Orders of fewer shares are not sent (exits to zero excepted). */
  minTradeShares?: number;
  /** Orders worth less are not sent (exits to zero excepted); needs `prices`. */
  minTradeValue?: number;
  prices?: Readonly<Record<string, number>>;
}

export interface PlannedOrder {
  symbol: string;
  side: OrderSide;
  quantity: number;
}

/** Signed shares still to come from open orders: buys positive, sells negative. */
export function openRemaining(openOrders: PlanInput['openOrders']): Record<string, number> {
  const remaining: Record<string, number> = {};
  for (const order of openOrders) {
    const left = Math.max(0, order.quantity - order.filledQty);
    remaining[order.symbol] = (remaining[order.symbol] ?? 0) + (order.side === 'BUY' ? left : -left);
  }
  return remaining;
}

/**
 * Orders only what is missing: target - position - remaining of open orders. Running it again after
 * the orders were recorded (or filled) gives nothing, which makes a re-run of a plan idempotent.
 * Sells come first so that they free cash before buys need it.
 */
export function planOrders(input: PlanInput): PlannedOrder[] {
  const remaining = openRemaining(input.openOrders);
  const minShares = input.minTradeShares ?? 1;
  const minValue = input.minTradeValue ?? 0;
  const sells: PlannedOrder[] = [];
  const buys: PlannedOrder[] = [];
  for (const symbol of Object.keys(input.targets).sort()) {
    const target = input.targets[symbol] ?? 0;
    const position = input.positions[symbol] ?? 0;
    const delta = target - position - (remaining[symbol] ?? 0);
    if (delta === 0 || !Number.isInteger(delta)) continue;
    const quantity = Math.abs(delta);
    const isExit = target === 0 && position + (remaining[symbol] ?? 0) + delta === 0;
    if (!isExit) {
      if (quantity < minShares) continue;
      const price = input.prices?.[symbol];
      if (minValue > 0 && price !== undefined && quantity * price < minValue) continue;
    }
    (delta < 0 ? sells : buys).push({ symbol, side: delta < 0 ? 'SELL' : 'BUY', quantity });
  }
  return [...sells, ...buys];
}
