import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TradeFill, TradeOrder, TradeRun } from '../execution/index.js';

export interface SymbolReport {
  symbol: string;
  targetShares: number;
  filledShares: number;
  /** Shares still missing to the target after the run (positive: short of the target). */
  leftoverShares: number;
  targetWeight: number;
  filledWeight: number;
  avgFillPrice: number | null;
  arrivalPrice: number | null;
  decisionPrice: number | null;
  /** Signed so that positive is a cost: buys above / sells below the reference, in basis points. */
  slippageVsArrivalBps: number | null;
  slippageVsDecisionBps: number | null;
  commission: number;
}

export interface PostTradeReport {
  runId: number;
  tradeRunId: number;
  tradingDate: string;
  netLiquidation: number;
  orders: number;
  filledOrders: number;
  leftoverOrders: number;
  commissions: number;
  /** Traded value over net liquidation. */
  turnover: number;
  /** Filled-shares-weighted average slippage, basis points. */
  slippageVsArrivalBps: number | null;
  slippageVsDecisionBps: number | null;
  symbols: SymbolReport[];
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

function bps(side: 'BUY' | 'SELL', price: number, reference: number | null): number | null {
  if (reference === null || reference <= 0) return null;
  const raw = (price / reference - 1) * 10_000;
  return round(side === 'BUY' ? raw : -raw, 2);
}

/**
 * Target against filled per symbol, in shares and weights, slippage against the arrival price (the
 * price the run sized with) and the decision's price (the close the decision used), commissions,
 * leftovers and turnover. Pure: the same inputs give the same report.
 */
export function postTradeReport(input: {
  runId: number;
  run: TradeRun;
  orders: readonly TradeOrder[];
  fills: readonly TradeFill[];
  weights: Readonly<Record<string, number>>;
  decisionPrices: Readonly<Record<string, number>>;
}): PostTradeReport {
  const { run, orders, fills } = input;
  const plan = run.plan ?? {};
  const netLiquidation = Number(plan.netLiquidation ?? 0);
  const before = (plan.positionsBefore ?? {}) as Record<string, number>;
  const arrival = (plan.prices ?? {}) as Record<string, { price?: number }>;
  const targets = run.targets ?? {};
  const symbols = [...new Set([...Object.keys(targets), ...orders.map((o) => o.symbol)])].sort();
  const rows: SymbolReport[] = [];
  let traded = 0;
  let commissions = 0;
  let weightedArrival = 0;
  let weightedDecision = 0;
  let sharesArrival = 0;
  let sharesDecision = 0;
  for (const symbol of symbols) {
    const mine = fills.filter((f) => f.symbol === symbol);
    let net = 0;
    let value = 0;
    let shares = 0;
    let commission = 0;
    for (const fill of mine) {
      net += fill.side === 'BUY' ? fill.shares : -fill.shares;
      value += fill.shares * fill.price;
      shares += fill.shares;
      commission += fill.commission ?? 0;
    }
    const side = net >= 0 ? 'BUY' : 'SELL';
    const avg = shares > 0 ? value / shares : null;
    const arrivalPrice = arrival[symbol]?.price ?? null;
    const decisionPrice = input.decisionPrices[symbol] ?? null;
    const held = (before[symbol] ?? 0) + net;
    const target = targets[symbol] ?? 0;
    const vsArrival = avg === null ? null : bps(side, avg, arrivalPrice);
    const vsDecision = avg === null ? null : bps(side, avg, decisionPrice);
    if (vsArrival !== null) {
      weightedArrival += vsArrival * shares;
      sharesArrival += shares;
    }
    if (vsDecision !== null) {
      weightedDecision += vsDecision * shares;
      sharesDecision += shares;
    }
    traded += value;
    commissions += commission;
    const markPrice = avg ?? arrivalPrice ?? 0;
    rows.push({
      symbol,
      targetShares: target,
      filledShares: held,
      leftoverShares: target - held,
      targetWeight: round(input.weights[symbol] ?? 0, 6),
      filledWeight: netLiquidation > 0 ? round((held * markPrice) / netLiquidation, 6) : 0,
      avgFillPrice: avg === null ? null : round(avg, 4),
      arrivalPrice,
      decisionPrice,
      slippageVsArrivalBps: vsArrival,
      slippageVsDecisionBps: vsDecision,
      commission: round(commission, 4),
    });
  }
  return {
    runId: input.runId,
    tradeRunId: run.id,
    tradingDate: run.tradingDate,
    netLiquidation,
    orders: orders.length,
    filledOrders: orders.filter((o) => o.status === 'FILLED').length,
    leftoverOrders: orders.filter((o) => o.status !== 'FILLED').length,
    commissions: round(commissions, 4),
    turnover: netLiquidation > 0 ? round(traded / netLiquidation, 6) : 0,
    slippageVsArrivalBps: sharesArrival > 0 ? round(weightedArrival / sharesArrival, 2) : null,
    slippageVsDecisionBps: sharesDecision > 0 ? round(weightedDecision / sharesDecision, 2) : null,
    symbols: rows,
  };
}

/** Writes the report under `data/ib/orders/` (one JSON file per project and trading date). */
export function writeReportFile(dataRoot: string, projectId: number, report: PostTradeReport): string {
  const folder = path.join(dataRoot, 'ib', 'orders', 'reports');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `project-${projectId}-${report.tradingDate}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
