import type { Kysely } from 'kysely';
import { dayNumber, dayString, newYorkInstantOfDay, tradingDayOf, weekdayOf } from '../calendar/index.js';
import type { Database } from '../store/index.js';
import type { AccountView } from './types.js';

export interface WindowFigures {
  /** Orders created in the window. */
  orders: number;
  filled: number;
  partial: number;
  open: number;
  canceled: number;
  rejected: number;
  orderedShares: number;
  filledShares: number;
  /** filledShares / orderedShares; null without orders. */
  fillRate: number | null;
  fills: number;
  /** Fill-notional-weighted slippage against the arrival price; positive = paid more than arrival. */
  slippageBps: number | null;
  /** Fills with no arrival price on record (not in slippageBps). */
  fillsWithoutArrival: number;
  commissions: number;
  notional: number;
}

export interface FillView {
  execId: string;
  runId: number;
  project: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  shares: number;
  price: number;
  /** The sizing price frozen with the run's targets, i.e. the price when the orders were made. */
  arrivalPrice: number | null;
  slippageBps: number | null;
  commission: number | null;
  execTime: string;
}

export interface WeightRow {
  symbol: string;
  targetWeight: number;
  actualWeight: number;
  deviation: number;
  /** |deviation| >= the tolerance. */
  flagged: boolean;
}

export interface OrdersMonitor {
  today: WindowFigures & { from: string };
  week: WindowFigures & { from: string };
  fills: FillView[];
  /** The latest run's target weights against the account's actual weights. */
  weights: {
    run: { id: number; project: string; tradingDate: string; status: string } | null;
    tolerance: number;
    rows: WeightRow[];
    accountTime: string | null;
  };
}

const MAX_FILLS = 200;

/** Start (ISO) of the New York day of `nowMs` and of its Monday-to-Sunday week. */
export function windowsOf(nowMs: number): { today: string; week: string } {
  const day = tradingDayOf(nowMs);
  const dayNum = dayNumber(day);
  const monday = dayString(dayNum - ((weekdayOf(dayNum) + 6) % 7));
  return {
    today: new Date(newYorkInstantOfDay(day, 0, 0)).toISOString(),
    week: new Date(newYorkInstantOfDay(monday, 0, 0)).toISOString(),
  };
}

/** Arrival prices per run and symbol, from each run's frozen plan (plan_json.prices). */
function arrivalPrices(planJson: string | null): Map<string, number> {
  const prices = new Map<string, number>();
  if (!planJson) return prices;
  try {
    const plan = JSON.parse(planJson) as { prices?: Record<string, { price?: unknown }> };
    for (const [symbol, entry] of Object.entries(plan.prices ?? {})) {
      if (typeof entry?.price === 'number' && entry.price > 0) prices.set(symbol, entry.price);
    }
  } catch {
    // A plan that does not parse has no arrival prices; the fills count as without arrival.
  }
  return prices;
}

export function slippageBps(side: 'BUY' | 'SELL', price: number, arrival: number): number {
  return ((side === 'BUY' ? 1 : -1) * (price - arrival) * 10_000) / arrival;
}

export async function ordersMonitor(
  db: Kysely<Database>,
  nowMs: number,
  account: AccountView | null,
  options: { tolerance?: number; runId?: number } = {},
): Promise<OrdersMonitor> {
  const windows = windowsOf(nowMs);
  const orders = await db
    .selectFrom('trade_orders')
    .select(['status', 'quantity', 'filled_qty', 'created_at'])
    .where('created_at', '>=', windows.week)
    .execute();
  const fillRows = await db
    .selectFrom('trade_fills')
    .innerJoin('trade_orders', 'trade_orders.id', 'trade_fills.order_id')
    .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
    .select([
      'trade_fills.exec_id',
      'trade_fills.symbol',
      'trade_fills.side',
      'trade_fills.shares',
      'trade_fills.price',
      'trade_fills.commission',
      'trade_fills.exec_time',
      'trade_runs.id as run_id',
      'trade_runs.project',
      'trade_runs.plan_json',
    ])
    .where('trade_fills.exec_time', '>=', windows.week)
    .orderBy('trade_fills.exec_time', 'desc')
    .orderBy('trade_fills.exec_id')
    .execute();
  const plans = new Map<number, Map<string, number>>();
  const fills: FillView[] = fillRows.map((row) => {
    const runId = Number(row.run_id);
    let prices = plans.get(runId);
    if (!prices) {
      prices = arrivalPrices(row.plan_json);
      plans.set(runId, prices);
    }
    const side = row.side === 'SELL' ? 'SELL' : 'BUY';
    const price = Number(row.price);
    const arrival = prices.get(row.symbol) ?? null;
    return {
      execId: row.exec_id,
      runId,
      project: row.project,
      symbol: row.symbol,
      side,
      shares: Number(row.shares),
      price,
      arrivalPrice: arrival,
      slippageBps: arrival === null ? null : slippageBps(side, price, arrival),
      commission: row.commission === null ? null : Number(row.commission),
      execTime: row.exec_time,
    };
  });

  const figures = (from: string): WindowFigures & { from: string } => {
    const mine = orders.filter((o) => o.created_at >= from);
    const count = (status: string) => mine.filter((o) => o.status === status).length;
    const orderedShares = mine.reduce((s, o) => s + Number(o.quantity), 0);
    const filledShares = mine.reduce((s, o) => s + Number(o.filled_qty), 0);
    const inWindow = fills.filter((f) => f.execTime >= from);
    let weighted = 0;
    let weight = 0;
    for (const f of inWindow) {
      if (f.slippageBps === null) continue;
      weighted += f.slippageBps * f.shares * f.price;
      weight += f.shares * f.price;
    }
    return {
      from,
      orders: mine.length,
      filled: count('FILLED'),
      partial: count('PARTIAL'),
      open: count('NEW') + count('SUBMITTED'),
      canceled: count('CANCELED'),
      rejected: count('REJECTED'),
      orderedShares,
      filledShares,
      fillRate: orderedShares > 0 ? filledShares / orderedShares : null,
      fills: inWindow.length,
      slippageBps: weight > 0 ? weighted / weight : null,
      fillsWithoutArrival: inWindow.filter((f) => f.slippageBps === null).length,
      commissions: inWindow.reduce((s, f) => s + (f.commission ?? 0), 0),
      notional: inWindow.reduce((s, f) => s + f.shares * f.price, 0),
    };
  };

  return {
    today: figures(windows.today),
    week: figures(windows.week),
    fills: fills.slice(0, MAX_FILLS),
    weights: await weightsOf(db, account, options),
  };
}

async function weightsOf(
  db: Kysely<Database>,
  account: AccountView | null,
  options: { tolerance?: number; runId?: number },
): Promise<OrdersMonitor['weights']> {
  const tolerance = options.tolerance ?? 0.01;
  let query = db
    .selectFrom('trade_runs')
    .select(['id', 'project', 'trading_date', 'status', 'weights_json'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1);
  if (options.runId !== undefined) query = query.where('id', '=', options.runId);
  const run = await query.executeTakeFirst();
  const targets: Record<string, number> = run ? parseWeights(run.weights_json) : {};
  const actual = new Map((account?.positions ?? []).map((p) => [p.symbol, p.weight]));
  const symbols = [...new Set([...Object.keys(targets), ...actual.keys()])].sort();
  return {
    run: run
      ? { id: Number(run.id), project: run.project, tradingDate: run.trading_date, status: run.status }
      : null,
    tolerance,
    accountTime: account?.time ?? null,
    rows: symbols.map((symbol) => {
      const targetWeight = targets[symbol] ?? 0;
      const actualWeight = actual.get(symbol) ?? 0;
      const deviation = actualWeight - targetWeight;
      return { symbol, targetWeight, actualWeight, deviation, flagged: Math.abs(deviation) >= tolerance };
    }),
  };
}

function parseWeights(json: string): Record<string, number> {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(
        (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
      ),
    );
  } catch {
    return {};
  }
}
