import type { OrderSide } from '../brokerage/index.js';
import type { TradeOrder } from './types.js';

export interface PlanInput {
  /** Target shares per symbol (0 = exit). Symbols not listed are left alone. */
  targets: Readonly<Record<string, number>>;
  /** Current shares per symbol at the broker. */
  positions: Readonly<Record<string, number>>;
  /** This project's orders that are not final yet (NEW, SUBMITTED, PARTIAL). */
  openOrders: readonly Pick<TradeOrder, 'symbol' | 'side' | 'quantity' | 'filledQty'>[];
  /** Negative targets are never ordered unless this is set. */
  allowShort?: boolean;
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
 * The open orders that stand in the way of a target: any that works against the direction still
 * needed (a BUY when the target is below the position), or that together overshoot it. They must be
 * cancelled, not offset by an order the other way: an offsetting SELL against a working BUY is a
 * short sale the moment the BUY is cancelled or has not filled yet.
 */
export function planCancels<O extends PlanInput['openOrders'][number]>(
  input: Omit<PlanInput, 'openOrders'> & { openOrders: readonly O[] },
): O[] {
  const cancels: O[] = [];
  for (const symbol of Object.keys(input.targets).sort()) {
    const working = input.openOrders.filter((o) => o.symbol === symbol && o.quantity - o.filledQty > 0);
    if (working.length === 0) continue;
    const need = (input.targets[symbol] ?? 0) - (input.positions[symbol] ?? 0);
    const pending = openRemaining(working)[symbol] ?? 0;
    const sameWay = working.every((o) => (o.side === 'BUY' ? need > 0 : need < 0));
    if (!sameWay || Math.abs(pending) > Math.abs(need)) cancels.push(...working);
  }
  return cancels;
}

/**
 * Orders only what is missing: target - position - remaining of open orders. Running it again after
 * the orders were recorded (or filled) gives nothing, which makes a re-run of a plan idempotent.
 * A symbol whose open orders must be cancelled first (`planCancels`) gets nothing until they are
 * final. Sells come first so that they free cash before buys need it.
 */
export function planOrders(input: PlanInput): PlannedOrder[] {
  const remaining = openRemaining(input.openOrders);
  const blocked = new Set(planCancels(input).map((o) => o.symbol));
  const minShares = input.minTradeShares ?? 1;
  const minValue = input.minTradeValue ?? 0;
  const sells: PlannedOrder[] = [];
  const buys: PlannedOrder[] = [];
  for (const symbol of Object.keys(input.targets).sort()) {
    const target = input.targets[symbol] ?? 0;
    if (blocked.has(symbol) || (target < 0 && !input.allowShort)) continue;
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
