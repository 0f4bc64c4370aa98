import { z } from 'zod';
import type { Panel, WeeklySchedule } from '../alpha/index.js';
import { type DecisionInput, decideWeights, type RiskStage } from '../decide/index.js';
import { constructionParamsSchema } from '../portfolio/index.js';
import { newSizingBook, sizeBook } from '../sizing/index.js';
import { formatDay, parseDay } from '../sources/alpha/index.js';
import { commissionSchema, ibCommission } from './costs.js';
import { ObjectLog, type RunLog } from './run-log.js';
import { drawdownSeries, type PerformanceStats, performanceStats } from './stats.js';

/**
 * The weekly backtest. Each rebalance runs the same stages as live trading: scores (alpha) ->
 * `decideWeights` from src/decide (portfolio construction, then the risk stage; live trading's
 * `decide` runs the same stages) -> sizing's rule (src/sizing `sizeBook`, which live execution's
 * `sizeTargets` runs too) -> fills. The decision uses data up to the close of the day before the
 * rebalance day; trades fill at that day's open (default) or close, with slippage against the trader
 * and IB-like commissions.
 *
 * Real shares: sizing, lot rounding and commissions work in the shares and prices as traded that day
 * (the adjusted price divided by the panel's `adjFactor`), while holdings are valued on adjusted prices,
 * so returns include dividends and splits. A split multiplies the real shares held; a dividend is
 * reinvested in the paying name (what adjusted prices imply), and at each rebalance the fraction of a
 * share this leaves is paid out as cash in lieu, so positions are whole shares whenever orders are sized.
 *
 * Names that stop trading: a holding whose bars end before the panel does is sold at the close of its
 * last bar (with slippage and commission), listed in `exits` and counted in `stats.exits`; before, such
 * a holding was carried at its last price forever and could never be sold.
 */
const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((text) => parseDay(text) !== undefined, 'not a calendar day');

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
  /** Recorded: the expression signal that scored the run instead of a model (see alpha's parseSignal). */
  signal: z.string().nullable().default(null),
  /** First day the backtest may hold anything (the first rebalance decides on or after it). */
  start: dayText.nullable().default(null),
  /** Last day valued; later rebalances are not run. */
  end: dayText.nullable().default(null),
});
export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
export type BacktestConfigInput = z.input<typeof backtestConfigSchema>;

/** The decision stages live in src/decide (THE decide); re-exported for the backtest's callers. */
export { type DecisionInput, decideWeights, type RiskStage };

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
  /** A market index (e.g. SPY) held from the first day as a second, buy-and-hold benchmark. */
  index?: IndexSeries;
  onProgress?: (done: number, total: number) => void;
  /** Each rebalance's decision (what `decideWeights` chose, before sizing): parity compares it. */
  onDecision?: (decision: RebalanceDecision) => void;
  /**
   * Parity only (`replayDecisions`): run on the IB daily bars live decisions were made on, to show the
   * backtest chooses the same weights. Research results never come from IB data: such a run is not
   * stored, and a panel of any other source is still refused.
   */
  replayIb?: true;
}

/** One rebalance's decision, per panel symbol (copies: the caller may keep them). */
export interface RebalanceDecision {
  decisionDate: string;
  tradeDate: string;
  /** NaN = not eligible. */
  scores: Float64Array;
  /** After the risk stage. */
  weights: Float64Array;
}

/** An index's adjusted closes on the panel's days (`alignIndex` builds it). */
export interface IndexSeries {
  symbol: string;
  adjClose: Float64Array;
}

export interface Trade {
  symbol: string;
  /** Real shares of the day, signed. */
  quantity: number;
  /** Fill price as traded that day (unadjusted), slippage included. */
  price: number;
  commission: number;
}

/** A holding sold because its bars end: at the close of its last bar. */
export interface Exit extends Trade {
  date: string;
}

export interface Holding {
  symbol: string;
  /** Real shares held after the rebalance. */
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
  /** Holdings sold because their symbol stopped trading. */
  exits: number;
}

export interface IndexBenchmark {
  symbol: string;
  stats: PerformanceStats;
  equity: number[];
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
  /** The market index benchmark, when one was asked for. */
  index: IndexBenchmark | null;
  drawdown: number[];
  rebalances: Rebalance[];
  exits: Exit[];
  /** Month-end to month-end returns (the first month from the start), for the heatmap. */
  monthly: MonthlyReturn[];
  /** Mean weight per sector over rebalances (after trading). */
  sectorExposure: Record<string, number>;
}

/** First and last panel rows of the backtest window and its first decision. */
function backtestWindow(
  input: BacktestInput,
  config: BacktestConfig,
): { firstDecision: number; startRow: number; endRow: number } {
  const { panel, schedule } = input;
  const nSymbols = panel.symbols.length;
  const nDays = panel.days.length;
  const startDay = config.start === null ? Number.NEGATIVE_INFINITY : parseDay(config.start)!;
  const endDay = config.end === null ? Number.POSITIVE_INFINITY : parseDay(config.end)!;
  if (startDay > endDay) throw new Error(`start: ${config.start} is after end ${config.end}`);
  let endRow = nDays - 1;
  while (endRow >= 0 && panel.days[endRow]! > endDay) endRow--;
  // Start at the first decision with any score, on or after the start day, trading inside the window.
  for (let k = 0; k < schedule.decisionRows.length; k++) {
    const decisionRow = schedule.decisionRows[k]!;
    if (panel.days[decisionRow]! < startDay || schedule.tradeRows[k]! > endRow) continue;
    for (let s = 0; s < nSymbols; s++) {
      if (!Number.isNaN(input.scores[k * nSymbols + s]!))
        return { firstDecision: k, startRow: decisionRow, endRow };
    }
  }
  if (config.start !== null || config.end !== null)
    throw new Error(
      `start/end: no decision with any score between ${config.start ?? 'the first day'} and ${config.end ?? 'the last day'}`,
    );
  throw new Error('scores: no decision has any score; nothing to backtest');
}

/** What a run computed besides its log: the series and statistics both kinds of result are made of. */
export interface Simulation {
  config: BacktestConfig;
  startRow: number;
  endRow: number;
  dayText: readonly string[];
  /** Daily values from `startRow` to `endRow`. */
  equity: Float64Array;
  benchmarkEquity: Float64Array;
  indexEquity: Float64Array | undefined;
  stats: BacktestStats;
  benchmark: PerformanceStats;
  /** Sector -> mean weight over rebalances, keys sorted. */
  sectorExposure: Record<string, number>;
}

/** The full result: every rebalance's trades and holdings as objects. */
export function runBacktest(input: BacktestInput, rawConfig: BacktestConfigInput = {}): BacktestResult {
  const log = new ObjectLog();
  const run = simulate(input, rawConfig, log);
  const { startRow, endRow, dayText, equity, benchmarkEquity, indexEquity } = run;
  const days = dayText.slice(startRow, endRow + 1);
  return {
    dataSource: 'alpha',
    config: run.config,
    start: dayText[startRow]!,
    end: dayText[endRow]!,
    symbols: input.panel.symbols.length,
    stats: run.stats,
    benchmark: run.benchmark,
    days,
    equity: Array.from(equity),
    benchmarkEquity: Array.from(benchmarkEquity),
    index:
      input.index && indexEquity
        ? {
            symbol: input.index.symbol,
            stats: performanceStats(indexEquity, input.panel.days.subarray(startRow, endRow + 1)),
            equity: Array.from(indexEquity),
          }
        : null,
    drawdown: Array.from(drawdownSeries(equity)),
    rebalances: log.rebalances,
    exits: log.exits,
    monthly: monthlyReturns(input.panel.days, startRow, endRow, equity, benchmarkEquity),
    sectorExposure: run.sectorExposure,
  };
}

/**
 * The same backtest recording into `log` (ResultColumns for a sweep point: no per-trade objects).
 * Every figure is the one runBacktest returns for the same input, bit for bit.
 */
export function simulate(input: BacktestInput, rawConfig: BacktestConfigInput, log: RunLog): Simulation {
  const config = backtestConfigSchema.parse(rawConfig);
  const { panel, schedule } = input;
  // Read once: `input.onProgress` read in the rebalance closure deoptimised it at almost every
  // sweep point (each point's input is a new object; ~80 deoptimisations a point in V8's trace).
  const { scores: allScores, volatility, sectors, risk, onDecision, onProgress } = input;
  const index = input.index;
  if (panel.source !== 'alpha' && !(panel.source === 'ib' && input.replayIb)) {
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
  if (input.index && input.index.adjClose.length !== nDays) {
    throw new Error(
      `index: expected ${nDays} closes (one per panel day), got ${input.index.adjClose.length}`,
    );
  }
  const commission = ibCommission(config.commission);
  const slip = config.slippageBps / 10_000;
  const costs = (shares: number, price: number): number =>
    commission(shares, price * (1 + slip)) + shares * price * slip;

  const { firstDecision, startRow, endRow } = backtestWindow(input, config);
  const tradeRowToDecision = new Map<number, number>();
  for (let k = firstDecision; k < nDecisions && schedule.tradeRows[k]! <= endRow; k++)
    tradeRowToDecision.set(schedule.tradeRows[k]!, k);
  const indexStart = input.index?.adjClose[startRow];
  if (input.index && !(indexStart! > 0)) {
    throw new Error(
      `index: ${input.index.symbol} has no price on the first day ${formatDay(panel.days[startRow]!)}`,
    );
  }

  // Adjusted units (value = units x adjusted price); real shares = units x adjFactor.
  const positions = new Float64Array(nSymbols);
  const benchUnits = new Float64Array(nSymbols);
  let cash = config.initialCash;
  let benchCash = config.initialCash;
  const length = endRow + 1 - startRow;
  const equity = new Float64Array(length);
  const benchmarkEquity = new Float64Array(length);
  const indexEquity = input.index ? new Float64Array(length) : undefined;
  // Sectors by id (first met in symbol order), so per-rebalance sums need no string-keyed objects.
  const sectorNames: string[] = [];
  const sectorOf = new Int32Array(nSymbols);
  {
    const ids = new Map<string, number>();
    for (let s = 0; s < nSymbols; s++) {
      const name = sectors?.[s] ?? 'unknown';
      let id = ids.get(name);
      if (id === undefined) {
        id = sectorNames.length;
        ids.set(name, id);
        sectorNames.push(name);
      }
      sectorOf[s] = id;
    }
  }
  // Summed per sector over rebalances in the order the holdings come: the same additions, and so
  // the same bits, as the name-keyed map this replaced.
  const sectorSums = new Float64Array(sectorNames.length);
  const sectorSeen = new Uint8Array(sectorNames.length);
  let rebalancesDone = 0;
  let exitCount = 0;
  const previousWeights = new Float64Array(nSymbols);
  const eligibleScores = new Float64Array(nSymbols);
  const periodStart: number[] = [];
  const dayText = dayTextsOf(panel.days);
  log.begin({ symbols: panel.symbols, dayText, sectorNames });
  const tradePrices = config.tradeAt === 'open' ? panel.adjOpen : panel.adjClose;
  const closeAt = (s: number, t: number): number => panel.adjClose[s * nDays + t]!;
  const factorAt = (s: number, t: number): number => panel.adjFactor[s * nDays + t]!;
  // The panel is symbol-major, so reading one day across all symbols touches a cache line per
  // symbol: a rebalance gathers its day's prices and bars once into these rows.
  const priceRow = new Float64Array(nSymbols);
  const barRow = new Uint8Array(nSymbols);
  const priceAt = (s: number): number => priceRow[s]!;
  // Sizing's inputs by symbol, and its book (see SizingBook) with the symbol of each of its rows.
  const sizedRow = new Uint8Array(nSymbols);
  const realPriceRow = new Float64Array(nSymbols);
  const wholeRow = new Float64Array(nSymbols);
  const book = newSizingBook(nSymbols);
  const bookSymbol = new Int32Array(nSymbols);
  const byName = symbolsByName(panel.symbols);
  const realShares = (s: number, t: number): number => positions[s]! * factorAt(s, t);
  let totalCommission = 0;
  let turnoverSum = 0;
  const held = new Int32Array(nSymbols);
  const benchHeld = new Int32Array(nSymbols);
  let heldCount = 0;
  let benchCount = 0;
  let positionsChanged = false;
  // Holdings change only at rebalances and exits; daily valuation then walks the short lists
  // (ascending s, so the sums add in the same order as a full scan would).
  const rebuildLists = (): void => {
    heldCount = 0;
    benchCount = 0;
    for (let s = 0; s < nSymbols; s++) {
      if (positions[s] !== 0) held[heldCount++] = s;
      if (benchUnits[s] !== 0) benchHeld[benchCount++] = s;
    }
    positionsChanged = false;
  };
  const rebalanceCount = tradeRowToDecision.size;
  // The benchmark's units change only at rebalances: each holding period is valued symbol by symbol
  // over its days (contiguous in the symbol-major panel) instead of day by day across symbols. For
  // each day the additions still run from the cash in ascending s, so the sums are the same bits.
  let benchFrom = startRow;
  const valueBenchmarkThrough = (last: number): void => {
    for (let t = benchFrom; t <= last; t++) benchmarkEquity[t - startRow] = benchCash;
    for (let i = 0; i < benchCount; i++) {
      const s = benchHeld[i]!;
      const units = benchUnits[s]!;
      for (let t = benchFrom, cell = s * nDays + benchFrom; t <= last; t++, cell++)
        benchmarkEquity[t - startRow] = benchmarkEquity[t - startRow]! + units * panel.adjClose[cell]!;
    }
    benchFrom = last + 1;
  };

  /** The rebalance on trade row t for decision k: decide, size, fill, record; re-weight the benchmark. */
  const rebalance = (t: number, k: number): void => {
    const decisionRow = schedule.decisionRows[k]!;
    // Weights held at the decision close: the portfolio construction's starting point.
    let decisionEquity = cash;
    for (let s = 0; s < nSymbols; s++)
      if (positions[s] !== 0) decisionEquity += positions[s]! * closeAt(s, decisionRow);
    for (let s = 0; s < nSymbols; s++) {
      previousWeights[s] =
        positions[s] !== 0 ? (positions[s]! * closeAt(s, decisionRow)) / decisionEquity : 0;
    }
    const scores = allScores.subarray(k * nSymbols, (k + 1) * nSymbols);
    for (let s = 0, cell = t; s < nSymbols; s++, cell += nDays) {
      priceRow[s] = tradePrices[cell]!;
      barRow[s] = panel.hasBar[cell]!;
    }
    const tradable = (s: number): boolean => barRow[s] === 1;
    // A plain loop: Float64Array.from with a mapping callback is several times slower here.
    for (let s = 0; s < nSymbols; s++) eligibleScores[s] = tradable(s) ? scores[s]! : Number.NaN;
    const weights = decideWeights({
      symbols: panel.symbols,
      scores: eligibleScores,
      volatility: volatility?.subarray(k * nSymbols, (k + 1) * nSymbols),
      sectors,
      previousWeights,
      construction: config.construction,
      risk,
    });
    onDecision?.({
      decisionDate: formatDay(panel.days[decisionRow]!),
      tradeDate: formatDay(panel.days[t]!),
      scores: Float64Array.from(eligibleScores),
      weights: Float64Array.from(weights),
    });

    // Net liquidation at this rebalance's prices; untradable holdings keep their position.
    let netLiquidation = cash;
    let gross = 0;
    for (let s = 0; s < nSymbols; s++) {
      const price = priceAt(s);
      sizedRow[s] = 0;
      if (positions[s] !== 0) netLiquidation += positions[s]! * price;
      // Only names weighted or held are sized: the rest need no price of the day (a strided read).
      if (!tradable(s) || (!(weights[s]! > 0) && positions[s] === 0)) continue;
      const realPrice = price / factorAt(s, t);
      // The checks sizing's schema made, done here once per priced name (see sizeCheckedTargets).
      if (!(realPrice > 0 && realPrice < Number.POSITIVE_INFINITY))
        throw new Error(`panel: ${panel.symbols[s]} has no usable price on ${formatDay(panel.days[t]!)}`);
      if (weights[s]! > 0) gross += weights[s]!;
      let whole = 0;
      if (positions[s] !== 0) {
        // Whole shares for sizing; the reinvested dividends' fraction of a share becomes cash.
        const real = realShares(s, t);
        whole = Math.floor(real + 1e-6);
        cash += (real - whole) * realPrice;
        positions[s] = whole / factorAt(s, t);
      }
      // Sized: weighted, or holding whole shares.
      if (weights[s]! > 0 || whole !== 0) {
        sizedRow[s] = 1;
        realPriceRow[s] = realPrice;
        wholeRow[s] = whole === 0 ? 0 : whole;
      }
    }
    if (
      !(netLiquidation >= 0 && Number.isFinite(netLiquidation) && Number.isFinite(cash)) ||
      gross > 1 + 1e-6
    )
      throw new Error(
        `backtest: cannot size ${formatDay(panel.days[t]!)}: net liquidation ${netLiquidation}, cash ${cash}, weights ${gross}`,
      );
    // Sizing's book in symbol-name order, the order sizing works in (as sizeCheckedTargets sorts).
    let sizedCount = 0;
    for (let j = 0; j < nSymbols; j++) {
      const s = byName[j]!;
      if (sizedRow[s] !== 1) continue;
      bookSymbol[sizedCount] = s;
      // biome-ignore lint/complexity/useMathMinMax: a NaN weight is 0, as a name left out of sizing's record was
      book.weight[sizedCount] = weights[s]! > 0 ? weights[s]! : 0;
      book.price[sizedCount] = realPriceRow[s]!;
      book.hasPrice[sizedCount] = 1;
      book.position[sizedCount] = wholeRow[s]!;
      book.lot[sizedCount] = config.lotSize;
      sizedCount++;
    }
    sizeBook(book, sizedCount, {
      investable: Math.max(0, netLiquidation), // no cash buffer: the construction left it unallocated
      cash,
      minOrderValue: config.minOrderValue,
      commission: costs,
    });

    let traded = 0;
    let rebalanceCommission = 0;
    // Sells first, then buys, each in name order: the orders sizeCheckedTargets returns.
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < sizedCount; i++) {
        const quantity = book.target[i]! - book.position[i]!;
        if (quantity === 0 || (quantity < 0 ? 0 : 1) !== pass) continue;
        const s = bookSymbol[i]!;
        const fill = book.price[i]! * (1 + (quantity > 0 ? slip : -slip));
        const fee = commission(Math.abs(quantity), fill);
        cash -= quantity * fill + fee;
        const after = book.position[i]! + quantity;
        positions[s] = after === 0 ? 0 : after / factorAt(s, t);
        traded += Math.abs(quantity) * fill;
        rebalanceCommission += fee;
        log.trade(s, quantity, fill, fee);
      }
    }
    totalCommission += rebalanceCommission;
    const turnover = netLiquidation > 0 ? traded / netLiquidation / 2 : 0;
    turnoverSum += turnover;

    let afterEquity = cash;
    for (let s = 0; s < nSymbols; s++) if (positions[s] !== 0) afterEquity += positions[s]! * priceAt(s);
    for (let s = 0; s < nSymbols; s++) {
      if (positions[s] === 0) continue;
      const weight = (positions[s]! * priceAt(s)) / afterEquity;
      const sector = sectorOf[s]!;
      log.holding(s, wholeShares(realShares(s, t)), weight, sector);
      // As the map this replaced: `(get(sector) ?? 0) + weight`, the first addition to 0.
      sectorSums[sector] = (sectorSeen[sector] === 1 ? sectorSums[sector]! : 0) + weight;
      sectorSeen[sector] = 1;
    }
    log.endRebalance(t, decisionRow, netLiquidation, turnover, rebalanceCommission);
    rebalancesDone++;

    // Equal-weight benchmark of the same universe: every tradable symbol, frictionless.
    valueBenchmarkThrough(t - 1);
    let benchValue = benchCash;
    let count = 0;
    for (let s = 0; s < nSymbols; s++) {
      if (benchUnits[s] !== 0) benchValue += benchUnits[s]! * priceAt(s);
      if (tradable(s)) count++;
    }
    benchCash = count > 0 ? 0 : benchValue;
    for (let s = 0; s < nSymbols; s++)
      benchUnits[s] = count > 0 && tradable(s) ? benchValue / count / priceAt(s) : 0;
    positionsChanged = true;
    onProgress?.(rebalancesDone, rebalanceCount);
  };

  /** Holdings whose bars end on row t (before the panel's do) are sold at its close. */
  const sellEnded = (t: number): void => {
    for (let i = 0; i < heldCount; i++) {
      const s = held[i]!;
      if (panel.lastRow[s] !== t || t === nDays - 1) continue;
      const realPrice = closeAt(s, t) / factorAt(s, t);
      const real = realShares(s, t);
      const quantity = -Math.floor(real + 1e-6);
      const fill = realPrice * (1 - slip);
      const fee = commission(-quantity, fill);
      cash += (real + quantity) * realPrice - quantity * fill - fee;
      positions[s] = 0;
      totalCommission += fee;
      log.exit(t, s, quantity, fill, fee);
      exitCount++;
      positionsChanged = true;
    }
  };

  // Small functions called from a short loop rather than one loop nest: V8 optimises each after a
  // few calls, instead of compiling this whole function mid-loop (on-stack replacement), which made
  // a process's first backtest more than twice as slow as the next one.
  for (let t = startRow; t <= endRow; t++) {
    const k = tradeRowToDecision.get(t);
    if (k !== undefined) rebalance(t, k);
    if (positionsChanged) rebuildLists();
    sellEnded(t);
    if (positionsChanged) rebuildLists();
    let value = cash;
    for (let i = 0; i < heldCount; i++) {
      const s = held[i]!;
      value += positions[s]! * panel.adjClose[s * nDays + t]!;
    }
    equity[t - startRow] = value;
    if (indexEquity) indexEquity[t - startRow] = (config.initialCash * index!.adjClose[t]!) / indexStart!;
    if (k !== undefined) periodStart.push(t - startRow);
  }
  valueBenchmarkThrough(endRow);

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

  const days = panel.days.subarray(startRow, endRow + 1);
  const sectorExposure: Record<string, number> = {};
  const seenNames = sectorNames.filter((_, id) => sectorSeen[id] === 1);
  for (const sector of seenNames.sort())
    sectorExposure[sector] = sectorSums[sectorNames.indexOf(sector)]! / rebalancesDone;

  return {
    config,
    startRow,
    endRow,
    dayText,
    equity,
    benchmarkEquity,
    indexEquity,
    stats: {
      ...performanceStats(equity, days),
      turnoverPerRebalance: rebalancesDone > 0 ? turnoverSum / rebalancesDone : 0,
      hitRate: periods > 0 ? hits / periods : 0,
      totalCommission,
      rebalances: rebalancesDone,
      exits: exitCount,
    },
    benchmark: performanceStats(benchmarkEquity, days),
    sectorExposure,
  };
}

/**
 * Panel positions in symbol-name order (code-unit order, as `Array.prototype.sort` orders strings),
 * computed once per symbol list: a sweep's points share it.
 */
const nameOrders = new WeakMap<readonly string[], Int32Array>();
function symbolsByName(symbols: readonly string[]): Int32Array {
  let order = nameOrders.get(symbols);
  if (!order) {
    order = Int32Array.from(symbols.keys()).sort((a, b) =>
      symbols[a]! < symbols[b]! ? -1 : symbols[a]! > symbols[b]! ? 1 : 0,
    );
    nameOrders.set(symbols, order);
  }
  return order;
}

/** Real shares for display: whole when they are whole up to floating-point noise. */
function wholeShares(real: number): number {
  const rounded = Math.round(real);
  return Math.abs(real - rounded) < 1e-6 ? rounded : real;
}

/**
 * The panel's days as YYYY-MM-DD, formatted once per day axis: repeated runs and a sweep's points
 * share the axis, and formatting through Date was a noticeable share of a run.
 */
const dayTexts = new WeakMap<Int32Array, readonly string[]>();
export function dayTextsOf(days: Int32Array): readonly string[] {
  let texts = dayTexts.get(days);
  if (!texts) {
    texts = Array.from(days, formatDay);
    dayTexts.set(days, texts);
  }
  return texts;
}

/**
 * Month-end to month-end returns over rows `startRow..endRow`. Month ends are found on the cached
 * month numbers of the day axis: slicing each day's text made thousands of strings a run.
 */
export function monthlyReturns(
  days: Int32Array,
  startRow: number,
  endRow: number,
  equity: Float64Array,
  benchmark: Float64Array,
): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  const months = monthNumbersOf(days);
  const dayText = dayTextsOf(days);
  let startIndex = 0;
  for (let row = startRow; row <= endRow; row++) {
    if (row < endRow && months[row + 1] === months[row]) continue;
    const i = row - startRow;
    out.push({
      month: dayText[row]!.slice(0, 7),
      strategy: equity[i]! / equity[startIndex]! - 1,
      benchmark: benchmark[i]! / benchmark[startIndex]! - 1,
    });
    startIndex = i;
  }
  return out;
}

/** Year x 12 + month per day of the axis, computed once per axis as its texts are. */
const monthNumbers = new WeakMap<Int32Array, Int32Array>();
function monthNumbersOf(days: Int32Array): Int32Array {
  let months = monthNumbers.get(days);
  if (!months) {
    const texts = dayTextsOf(days);
    months = Int32Array.from(texts, (text) => Number(text.slice(0, 4)) * 12 + Number(text.slice(5, 7)));
    monthNumbers.set(days, months);
  }
  return months;
}
