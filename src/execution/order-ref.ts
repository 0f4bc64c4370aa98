import type { OrderSide } from '../brokerage/index.js';

/** Every orderRef ibloop sends starts with this; anything else at the broker is foreign. */
export const ORDER_REF_PREFIX = 'ibl';

export interface OrderRefParts {
  runId: number;
  symbol: string;
  side: OrderSide;
  leg: number;
}

/**
 * The deterministic client order id of an intent: the same (run, symbol, side, leg) always gives
 * the same id, so the database's unique index refuses a second intent and IB echoes it back.
 */
export function clientOrderId(parts: OrderRefParts): string {
  return `${ORDER_REF_PREFIX}:R${parts.runId}:${parts.symbol}:${parts.side === 'BUY' ? 'B' : 'S'}:${parts.leg}`;
}

const PATTERN = new RegExp(`^${ORDER_REF_PREFIX}:R(\\d+):(.+):([BS]):(\\d+)$`);

export function parseClientOrderId(ref: string): OrderRefParts | null {
  const match = PATTERN.exec(ref);
  if (!match) return null;
  const [, run, symbol, side, leg] = match;
  if (run === undefined || symbol === undefined || side === undefined || leg === undefined) return null;
  return { runId: Number(run), symbol, side: side === 'B' ? 'BUY' : 'SELL', leg: Number(leg) };
}

export function isOurOrderRef(ref: string | undefined | null): boolean {
  return typeof ref === 'string' && ref.startsWith(`${ORDER_REF_PREFIX}:`);
}
