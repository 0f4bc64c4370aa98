import { z } from 'zod';
import type { Panel, WeeklySchedule } from '../alpha/index.js';
import { sizeTargets } from '../execution/sizing.js';
import { constructionParamsSchema, constructWeights } from '../portfolio/index.js';
import { formatDay } from '../sources/alpha/index.js';
import { commissionSchema, ibCommission } from './costs.js';
import { drawdownSeries, type PerformanceStats, performanceStats } from './stats.js';

/**
 * The weekly backtest. Each rebalance runs the same stages as live trading: scores (alpha) ->
 * constructWeights (portfolio) -> sizeTargets (execution sizing) -> fills. The decision uses data up to
 * the close of the day before the rebalance day; trades fill at that day's open (default) or close,
 * with slippage against the trader and IB-like commissions. Prices are the panel's adjusted prices.
 */
export const backtestConfigSchema = z.object({
  initialCash: z.number().positive().default(1_000_000),
  tradeAt: z.enum(['open', 'close']).default('open'),
  slippageBps: z.number().min(0).max(1000).default(5),
  commission: commissionSchema.default({ perShare: 0.005, minimum: 1, maxFraction: 0.01 }),
  lotSize: z.number().int().positive().default(1),
  minOrderValue: z.number().min(0).default(0),
  construction: constructionParamsSchema.default(constructionParamsSchema.parse({})),
  /** Recorded, not interpreted: the project parameter version and model version behind the run. */
  projectVersion: z.string().nullable().default(null),
  modelVersion: z.string().nullable().default(null),
  dataDigest: z.string().nullable().default(null),
});
export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
export type BacktestConfigInput = z.input<typeof backtestConfigSchema>;

/**
 * The risk stage between portfolio construction and sizing (Lean's IRiskManagementModel): takes the
 * target weights and returns adjusted ones (never larger in total). Live trading's risk module can be
 * plugged in here so a backtest applies the same limits; without one, weights pass unchanged.
 */
export interface RiskStage {
  adjustWeights(input: {
    symbols: readonly string[];
    weights: Float64Array;
    sectors?: readonly (string | undefined)[];
  }): Float64Array;
}

export interface BacktestInput {
  panel: Panel;
  schedule: WeeklySchedule;
  /** `[k * nSymbols + s]` for decision k of the schedule; NaN = do not hold. */
  scores: Float64Array;
  /** `[k * nSymbols + s]` annualised volatility, for inverse-volatility weighting. */
  volatility?: Float64Array;
  /** Sector per symbol (panel order). */
  sectors?: readonly (string | undefined)[];
  risk?: RiskStage;
  onProgress?: (done: number, total: number) => void;
}

export interface Trade {
  symbol: string;
  quantity: number;
  price: number;
  commission: number;
}

export interface Holding {
  symbol: string;
  shares: number;
  /** Weight after the rebalance, at the fill prices. */
  weight: number;
}

export interface Rebalance {
  date: string;
  decisionDate: string;
  equity: number;
  /** One-way: 0.5 x traded value / equity. */
  turnover: number;
  commission: number;
  trades: Trade[];
  holdings: Holding[];
  /** Weight per sector after the rebalance. */
  sectors: Record<string, number>;
}

export interface MonthlyReturn {
  /** `YYYY-MM`. */
  month: string;
  strategy: number;
  benchmark: number;
}

export interface BacktestStats extends PerformanceStats {
  /** Mean one-way turnover per rebalance. */
  turnoverPerRebalance: number;
  /** Share of holding periods (rebalance to rebalance) in which the strategy beat the benchmark. */
  hitRate: number;
  totalCommission: number;
  rebalances: number;
}

export interface BacktestResult {
  /** Which data the run used (DESIGN invariant 4); always research data. */
  dataSource: 'alpha';
  config: BacktestConfig;
  start: string;
  end: string;
  symbols: number;
  stats: BacktestStats;
  benchmark: PerformanceStats;
  days: string[];
  equity: number[];
  benchmarkEquity: number[];
  drawdown: number[];
  rebalances: Rebalance[];
  /** Month-end to month-end returns (the first month from the start), for the heatmap. */
  monthly: MonthlyReturn[];
  /** Mean weight per sector over rebalances (after trading). */
  sectorExposure: Record<string, number>;
}

export function runBacktest(input: BacktestInput, rawConfig: BacktestConfigInput = {}): BacktestResult {
  const config = backtestConfigSchema.parse(rawConfig);
  const { panel, schedule } = input;
  if (panel.source !== 'alpha') {
    throw new Error(`panel: backtests run on Alpha research data only, got ${panel.source} data`);
  }
  const nSymbols = panel.symbols.length;
  const nDays = panel.days.length;
  const nDecisions = schedule.decisionRows.length;
  if (input.scores.length !== nDecisions * nSymbols) {
    throw new Error(
      `scores: expected ${nDecisions * nSymbols} values (decisions x symbols), got ${input.scores.length}`,
    );
  }
  const commission = ibCommission(config.commission);
  const slip = config.slippageBps / 10_000;
  const costs = (shares: number, price: number): number =>
    commission(shares, price * (1 + slip)) + shares * price * slip;

  // Start at the first decision with any score.
  let firstDecision = -1;
  for (let k = 0; k < nDecisions && firstDecision < 0; k++) {
    for (let s = 0; s < nSymbols; s++) {
      if (!Number.isNaN(input.scores[k * nSymbols + s]!)) {
        firstDecision = k;
        break;
      }
    }
  }
  if (firstDecision < 0) throw new Error('scores: no decision has any score; nothing to backtest');

  const startRow = schedule.decisionRows[firstDecision]!;
  const tradeRowToDecision = new Map<number, number>();
  for (let k = firstDecision; k < nDecisions; k++) tradeRowToDecision.set(schedule.tradeRows[k]!, k);

  const positions = new Float64Array(nSymbols);
  const benchUnits = new Float64Array(nSymbols);
  let cash = config.initialCash;
  let benchCash = config.initialCash;
  const length = nDays - startRow;
  const equity = new Float64Array(length);
  const benchmarkEquity = new Float64Array(length);
  const rebalances: Rebalance[] = [];
  const sectorSums = new Map<string, number>();
  const previousWeights = new Float64Array(nSymbols);
  const eligibleScores = new Float64Array(nSymbols);
  const periodStart: number[] = [];
  const symbolIndex = new Map(panel.symbols.map((symbol, s) => [symbol, s] as const));
  const closeAt = (s: number, t: number): number => panel.adjClose[s * nDays + t]!;
  const priceAt = (s: number, t: number): number =>
    config.tradeAt === 'open' ? panel.adjOpen[s * nDays + t]! : panel.adjClose[s * nDays + t]!;
  let totalCommission = 0;
  let turnoverSum = 0;
  const held = new Int32Array(nSymbols);
  const benchHeld = new Int32Array(nSymbols);
  let heldCount = 0;
  let benchCount = 0;

  for (let t = startRow; t < nDays; t++) {
    const k = tradeRowToDecision.get(t);
    if (k !== undefined) {
      const decisionRow = schedule.decisionRows[k]!;
      // Weights held at the decision close: the portfolio construction's starting point.
      let decisionEquity = cash;
      for (let s = 0; s < nSymbols; s++)
        if (positions[s] !== 0) decisionEquity += positions[s]! * closeAt(s, decisionRow);
      for (let s = 0; s < nSymbols; s++) {
        previousWeights[s] =
          positions[s] !== 0 ? (positions[s]! * closeAt(s, decisionRow)) / decisionEquity : 0;
      }
      const scores = input.scores.subarray(k * nSymbols, (k + 1) * nSymbols);
      const tradable = (s: number): boolean => panel.hasBar[s * nDays + t] === 1;
      // A plain loop: Float64Array.from with a mapping callback is several times slower here.
      for (let s = 0; s < nSymbols; s++) eligibleScores[s] = tradable(s) ? scores[s]! : Number.NaN;
      const constructed = constructWeights(
        {
          symbols: panel.symbols,
          scores: eligibleScores,
          volatility: input.volatility?.subarray(k * nSymbols, (k + 1) * nSymbols),
          sectors: input.sectors,
          previousWeights,
        },
        config.construction,
      );
      const weights = input.risk
        ? input.risk.adjustWeights({ symbols: panel.symbols, weights: constructed, sectors: input.sectors })
        : constructed;

      // Net liquidation at this rebalance's prices; untradable holdings keep their position.
      let netLiquidation = cash;
      const weightRecord: Record<string, number> = {};
      const prices: Record<string, number> = {};
      const heldShares: Record<string, number> = {};
      for (let s = 0; s < nSymbols; s++) {
        const price = priceAt(s, t);
        if (positions[s] !== 0) netLiquidation += positions[s]! * price;
        if (!tradable(s)) continue;
        const symbol = panel.symbols[s]!;
        if (weights[s]! > 0) weightRecord[symbol] = weights[s]!;
        if (positions[s] !== 0) heldShares[symbol] = positions[s]!;
        if (weights[s]! > 0 || positions[s] !== 0) prices[symbol] = price;
      }
      const sized = sizeTargets({
        netLiquidation,
        cashBuffer: 0, // the construction already left the buffer unallocated
        cash,
        weights: weightRecord,
        prices,
        positions: heldShares,
        defaultLotSize: config.lotSize,
        minOrderValue: config.minOrderValue,
        commission: costs,
        weightTolerance: 1e-6,
      });

      const trades: Trade[] = [];
      let traded = 0;
      let rebalanceCommission = 0;
      for (const order of sized.orders) {
        const s = symbolIndex.get(order.symbol)!;
        const fill = order.price * (1 + (order.quantity > 0 ? slip : -slip));
        const fee = commission(Math.abs(order.quantity), fill);
        cash -= order.quantity * fill + fee;
        positions[s] = positions[s]! + order.quantity;
        traded += Math.abs(order.quantity) * fill;
        rebalanceCommission += fee;
        trades.push({ symbol: order.symbol, quantity: order.quantity, price: fill, commission: fee });
      }
      totalCommission += rebalanceCommission;
      const turnover = netLiquidation > 0 ? traded / netLiquidation / 2 : 0;
      turnoverSum += turnover;

      const holdings: Holding[] = [];
      const rebalanceSectors: Record<string, number> = {};
      let afterEquity = cash;
      for (let s = 0; s < nSymbols; s++) if (positions[s] !== 0) afterEquity += positions[s]! * priceAt(s, t);
      for (let s = 0; s < nSymbols; s++) {
        if (positions[s] === 0) continue;
        const weight = (positions[s]! * priceAt(s, t)) / afterEquity;
        holdings.push({ symbol: panel.symbols[s]!, shares: positions[s]!, weight });
        const sector = input.sectors?.[s] ?? 'unknown';
        sectorSums.set(sector, (sectorSums.get(sector) ?? 0) + weight);
        rebalanceSectors[sector] = (rebalanceSectors[sector] ?? 0) + weight;
      }
      rebalances.push({
        date: formatDay(panel.days[t]!),
        decisionDate: formatDay(panel.days[decisionRow]!),
        equity: netLiquidation,
        turnover,
        commission: rebalanceCommission,
        trades,
        holdings,
        sectors: rebalanceSectors,
      });

      // Equal-weight benchmark of the same universe: every tradable symbol, frictionless.
      let benchValue = benchCash;
      let count = 0;
      for (let s = 0; s < nSymbols; s++) {
        if (benchUnits[s] !== 0) benchValue += benchUnits[s]! * priceAt(s, t);
        if (tradable(s)) count++;
      }
      benchCash = count > 0 ? 0 : benchValue;
      for (let s = 0; s < nSymbols; s++)
        benchUnits[s] = count > 0 && tradable(s) ? benchValue / count / priceAt(s, t) : 0;
      input.onProgress?.(rebalances.length, nDecisions - firstDecision);
    }

    if (k !== undefined) {
      // Holdings change only at rebalances; daily valuation then walks the short lists (ascending s,
      // so the sums add in the same order as a full scan would).
      heldCount = 0;
      benchCount = 0;
      for (let s = 0; s < nSymbols; s++) {
        if (positions[s] !== 0) held[heldCount++] = s;
        if (benchUnits[s] !== 0) benchHeld[benchCount++] = s;
      }
    }
    let value = cash;
    let benchValue = benchCash;
    for (let i = 0; i < heldCount; i++) {
      const s = held[i]!;
      value += positions[s]! * panel.adjClose[s * nDays + t]!;
    }
    for (let i = 0; i < benchCount; i++) {
      const s = benchHeld[i]!;
      benchValue += benchUnits[s]! * panel.adjClose[s * nDays + t]!;
    }
    equity[t - startRow] = value;
    benchmarkEquity[t - startRow] = benchValue;
    if (k !== undefined) periodStart.push(t - startRow);
  }

  // Hit rate over holding periods: from one rebalance day's close to the next one's.
  let hits = 0;
  let periods = 0;
  for (let i = 0; i + 1 < periodStart.length; i++) {
    const from = periodStart[i]!;
    const to = periodStart[i + 1]!;
    const strategyReturn = equity[to]! / equity[from]!;
    const benchmarkReturn = benchmarkEquity[to]! / benchmarkEquity[from]!;
    periods++;
    if (strategyReturn > benchmarkReturn) hits++;
  }

  const days = panel.days.subarray(startRow);
  const sectorExposure: Record<string, number> = {};
  for (const sector of [...sectorSums.keys()].sort())
    sectorExposure[sector] = sectorSums.get(sector)! / rebalances.length;

  return {
    dataSource: 'alpha',
    config,
    start: formatDay(days[0]!),
    end: formatDay(days[days.length - 1]!),
    symbols: nSymbols,
    stats: {
      ...performanceStats(equity, days),
      turnoverPerRebalance: rebalances.length > 0 ? turnoverSum / rebalances.length : 0,
      hitRate: periods > 0 ? hits / periods : 0,
      totalCommission,
      rebalances: rebalances.length,
    },
    benchmark: performanceStats(benchmarkEquity, days),
    days: Array.from(days, formatDay),
    equity: Array.from(equity),
    benchmarkEquity: Array.from(benchmarkEquity),
    drawdown: Array.from(drawdownSeries(equity)),
    rebalances,
    monthly: monthlyReturns(days, equity, benchmarkEquity),
    sectorExposure,
  };
}

function monthlyReturns(days: Int32Array, equity: Float64Array, benchmark: Float64Array): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  let startIndex = 0;
  for (let i = 0; i < days.length; i++) {
    const month = formatDay(days[i]!).slice(0, 7);
    const last = i === days.length - 1 || formatDay(days[i + 1]!).slice(0, 7) !== month;
    if (!last) continue;
    out.push({
      month,
      strategy: equity[i]! / equity[startIndex]! - 1,
      benchmark: benchmark[i]! / benchmark[startIndex]! - 1,
    });
    startIndex = i;
  }
  return out;
}
