import { maskSecret } from '../config/index.js';
import type { ExecutionRepository } from './repository.js';
import { isTerminal } from './state-machine.js';
import type { TradeFill, TradeOrder, TradeOrderEvent, TradeRun } from './types.js';

export interface SymbolProgress {
  symbol: string;
  /** Position when the run froze its targets. */
  before: number;
  target: number;
  /** Net shares filled by this run's orders (buys positive). */
  filled: number;
  /** Shares still working in open orders (signed). */
  working: number;
  /** target - (before + filled): what the run has not reached yet. */
  deviation: number;
  avgFillPrice: number | null;
  commission: number;
}

export interface RunDetail {
  run: TradeRun;
  orders: Array<TradeOrder & { events: TradeOrderEvent[] }>;
  fills: TradeFill[];
  progress: SymbolProgress[];
}

/**
 * Account ids are secrets: every view that leaves the server carries them masked (`DU****67`),
 * wherever they appear (the account fields, but also error texts and event details).
 */
export function maskAccounts<T>(view: T, accounts: Iterable<string>): T {
  let text = JSON.stringify(view);
  if (text === undefined) return view;
  // Longest first, so that an account that contains another is masked as a whole.
  for (const account of [...new Set(accounts)].filter((a) => a !== '').sort((a, b) => b.length - a.length)) {
    text = text.split(account).join(maskSecret(account));
  }
  return JSON.parse(text) as T;
}

/** The accounts that orders and fills name. */
export function accountsOf(rows: ReadonlyArray<{ account: string }>): string[] {
  return rows.map((row) => row.account);
}

/**
 * Everything the Live Trading page shows for one run: orders with events, fills, target vs filled,
 * with the account ids masked.
 */
export async function runDetail(repo: ExecutionRepository, runId: number): Promise<RunDetail> {
  const run = await repo.getRun(runId);
  const orders = await repo.orders({ runId });
  const events = await repo.events(orders.map((o) => o.id));
  const fills = await repo.fills({ runId });
  const eventsByOrder = new Map<number, TradeOrderEvent[]>();
  for (const event of events) {
    const list = eventsByOrder.get(event.orderId) ?? [];
    list.push(event);
    eventsByOrder.set(event.orderId, list);
  }
  const detail: RunDetail = {
    run,
    orders: orders.map((order) => ({ ...order, events: eventsByOrder.get(order.id) ?? [] })),
    fills,
    progress: progressOf(run, orders, fills),
  };
  return maskAccounts(detail, [...accountsOf(orders), ...accountsOf(fills)]);
}

export function progressOf(
  run: TradeRun,
  orders: readonly TradeOrder[],
  fills: readonly TradeFill[],
): SymbolProgress[] {
  const before = (run.plan?.positionsBefore ?? {}) as Record<string, number>;
  const targets = run.targets ?? {};
  const symbols = new Set([...Object.keys(targets), ...orders.map((o) => o.symbol)]);
  return [...symbols].sort().map((symbol) => {
    const mine = fills.filter((f) => f.symbol === symbol);
    const filled = mine.reduce((sum, f) => sum + (f.side === 'BUY' ? f.shares : -f.shares), 0);
    const shares = mine.reduce((sum, f) => sum + f.shares, 0);
    const value = mine.reduce((sum, f) => sum + f.shares * f.price, 0);
    const working = orders
      .filter((o) => o.symbol === symbol && !isTerminal(o.status))
      .reduce((sum, o) => sum + (o.side === 'BUY' ? 1 : -1) * Math.max(0, o.quantity - o.filledQty), 0);
    const start = before[symbol] ?? 0;
    const target = targets[symbol] ?? start;
    return {
      symbol,
      before: start,
      target,
      filled,
      working,
      deviation: target - (start + filled),
      avgFillPrice: shares > 0 ? value / shares : null,
      commission: mine.reduce((sum, f) => sum + (f.commission ?? 0), 0),
    };
  });
}
