import type { Panel, WeeklySchedule } from '../alpha/index.js';
import { type DecisionInput, decideWeights, type RiskStage } from '../decide/decide.js';
import { newSizingBook, sizeBook } from '../sizing/sizing.js';
import { formatDay, parseDay } from '../sources/alpha/days.js';
import type { BacktestConfig, BacktestConfigInput } from './config-schema.js';
import { ibCommission } from './costs.js';
import type { RunLog } from './run-log.js';
import { type PerformanceStats, performanceStats } from './stats.js';

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
// Declared with the schema that parses them (config-schema.ts), which a sweep's workers do not load.
export type { BacktestConfig, BacktestConfigInput };

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

/**
 * The same backtest on a parsed config (`backtestConfigSchema`), recording into `log` (ResultColumns
 * for a sweep point: no per-trade objects). Every figure is the one runBacktest returns for the same
 * input, bit for bit. A sweep's worker threads call it with configs the sweep parsed, so they load no
 * schema library.
 */
export function simulate(input: BacktestInput, config: BacktestConfig, log: RunLog): Simulation {
  const { panel, schedule } = input;
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

  const { firstDecision, startRow, endRow } = backtestWindow(input, config);
  const tradeRowToDecision = decisionsByTradeRow(schedule.tradeRows, firstDecision, nDecisions, endRow);
  const indexStart = input.index?.adjClose[startRow];
  if (input.index && !(indexStart! > 0)) {
    throw new Error(
      `index: ${input.index.symbol} has no price on the first day ${formatDay(panel.days[startRow]!)}`,
    );
  }

  const run = new SimulationRun(input, config, log, startRow, endRow, tradeRowToDecision.size);
  const { equity, benchmarkEquity, indexEquity } = run;
  const periodStart = run.runDays(
    endRow,
    tradeRowToDecision,
    input.index?.adjClose,
    indexStart ?? Number.NaN,
    config.initialCash,
  );
  run.valueBenchmarkThrough(endRow);

  const { sectorNames, sectorSums, sectorSeen, rebalancesDone } = run;
  const days = panel.days.subarray(startRow, endRow + 1);
  const sectorExposure: Record<string, number> = {};
  const seenNames = sectorNames.filter((_, id) => sectorSeen[id] === 1);
  for (const sector of seenNames.sort())
    sectorExposure[sector] = sectorSums[sectorNames.indexOf(sector)]! / rebalancesDone;

  return {
    config,
    startRow,
    endRow,
    dayText: run.dayText,
    equity,
    benchmarkEquity,
    indexEquity,
    stats: {
      ...performanceStats(equity, days),
      turnoverPerRebalance: rebalancesDone > 0 ? run.turnoverSum / rebalancesDone : 0,
      hitRate: hitRate(periodStart, equity, benchmarkEquity),
      totalCommission: run.totalCommission,
      rebalances: rebalancesDone,
      exits: run.exitCount,
    },
    benchmark: performanceStats(benchmarkEquity, days),
    sectorExposure,
  };
}

// simulate's loops over decisions and periods are functions of their own, as its day loop is a
// method: simulate, called once a backtest, then stays too cold for V8 to compile (with all it
// would inline) at every sweep point's start.

/** Decision per trade row, from the first decision to the last trading inside the window. */
function decisionsByTradeRow(
  tradeRows: Int32Array,
  firstDecision: number,
  nDecisions: number,
  endRow: number,
): Map<number, number> {
  const decisions = new Map<number, number>();
  for (let k = firstDecision; k < nDecisions && tradeRows[k]! <= endRow; k++) decisions.set(tradeRows[k]!, k);
  return decisions;
}

/** Share of holding periods, from one rebalance day's close to the next one's, that beat the benchmark. */
function hitRate(
  periodStart: readonly number[],
  equity: Float64Array,
  benchmarkEquity: Float64Array,
): number {
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
  return periods > 0 ? hits / periods : 0;
}

/**
 * One commission function and one sizing-cost function per cost settings, shared by every run with
 * those settings: made per run, they were new call targets at each sweep point, and V8 threw away the
 * optimised sizing and rebalance code it had inlined them into ("wrong call target").
 */
type CommissionEstimate = ReturnType<typeof ibCommission>;
interface CostModel {
  fee: CommissionEstimate;
  /** What sizing charges for an order: the commission at the slipped price, plus the slippage. */
  costs: CommissionEstimate;
}
const costModels = new Map<string, CostModel>();

function costModelOf(config: BacktestConfig): CostModel {
  // Every setting by name; Object.is tells -0 from 0, which the arithmetic can carry into a fee's sign.
  const key = Object.entries({ ...config.commission, slippageBps: config.slippageBps })
    .map(([name, value]) => `${name}=${Object.is(value, -0) ? '-0' : String(value)}`)
    .sort()
    .join(' ');
  let model = costModels.get(key);
  if (!model) {
    // A copy: the cached function must not follow later changes to the caller's config object.
    const fee = ibCommission({ ...config.commission });
    const slip = config.slippageBps / 10_000;
    model = {
      fee,
      costs: (shares, price) => fee(shares, price * (1 + slip)) + shares * price * slip,
    };
    // A long-running server may meet many settings: the few of the current work suffice.
    if (costModels.size >= 64) costModels.clear();
    costModels.set(key, model);
  }
  return model;
}

/**
 * A run's state, and its steps as methods. These were closures inside `simulate`, made anew at every
 * call: each sweep point gave V8 new call targets and new closure contexts, so it deoptimised and
 * recompiled the rebalance code point after point, in every worker. Methods are one set of functions
 * for the process, on objects of one shape, so each is optimised once.
 */
class SimulationRun {
  readonly panel: Panel;
  readonly allScores: Float64Array;
  readonly volatility: Float64Array | undefined;
  readonly sectors: readonly (string | undefined)[] | undefined;
  readonly risk: RiskStage | undefined;
  readonly onDecision: BacktestInput['onDecision'];
  readonly onProgress: BacktestInput['onProgress'];
  readonly construction: BacktestConfig['construction'];
  readonly lotSize: number;
  readonly minOrderValue: number;
  readonly log: RunLog;
  readonly decisionRows: WeeklySchedule['decisionRows'];
  readonly nSymbols: number;
  readonly nDays: number;
  readonly startRow: number;
  readonly slip: number;
  readonly fee: CommissionEstimate;
  readonly costs: CommissionEstimate;
  readonly tradePrices: Float64Array;
  readonly rebalanceCount: number;
  readonly dayText: readonly string[];

  // Adjusted units (value = units x adjusted price); real shares = units x adjFactor.
  readonly positions: Float64Array;
  readonly benchUnits: Float64Array;
  cash: number;
  benchCash: number;
  /** Daily values from `startRow` to `endRow`. */
  readonly equity: Float64Array;
  readonly benchmarkEquity: Float64Array;
  readonly indexEquity: Float64Array | undefined;
  // Sectors by id (first met in symbol order), so per-rebalance sums need no string-keyed objects.
  readonly sectorNames: string[] = [];
  readonly sectorOf: Int32Array;
  // Summed per sector over rebalances in the order the holdings come: the same additions, and so
  // the same bits, as the name-keyed map this replaced.
  readonly sectorSums: Float64Array;
  readonly sectorSeen: Uint8Array;
  rebalancesDone = 0;
  exitCount = 0;
  totalCommission = 0;
  turnoverSum = 0;
  readonly previousWeights: Float64Array;
  readonly eligibleScores: Float64Array;
  // The panel is symbol-major, so reading one day across all symbols touches a cache line per
  // symbol: a rebalance gathers its day's prices and bars once into these rows.
  readonly priceRow: Float64Array;
  readonly barRow: Uint8Array;
  // Sizing's inputs by symbol, and its book (see SizingBook) with the symbol of each of its rows.
  readonly sizedRow: Uint8Array;
  readonly realPriceRow: Float64Array;
  readonly wholeRow: Float64Array;
  readonly book: ReturnType<typeof newSizingBook>;
  readonly bookSymbol: Int32Array;
  /** Rows of sizing's book in use by the current rebalance. */
  sizedCount = 0;
  /** Value traded and commission paid by the current rebalance. */
  traded = 0;
  rebalanceCommission = 0;
  readonly byName: Int32Array;
  // Holdings change only at rebalances and exits; daily valuation then walks the short lists
  // (ascending s, so the sums add in the same order as a full scan would).
  readonly held: Int32Array;
  readonly benchHeld: Int32Array;
  heldCount = 0;
  benchCount = 0;
  positionsChanged = false;
  /** The first day the benchmark has not been valued on yet (see valueBenchmarkThrough). */
  benchFrom: number;

  constructor(
    input: BacktestInput,
    config: BacktestConfig,
    log: RunLog,
    startRow: number,
    endRow: number,
    rebalanceCount: number,
  ) {
    const { panel } = input;
    const nSymbols = panel.symbols.length;
    this.panel = panel;
    this.allScores = input.scores;
    this.volatility = input.volatility;
    this.sectors = input.sectors;
    this.risk = input.risk;
    // Read once: `input.onProgress` read in the rebalance code deoptimised it at almost every sweep
    // point (each point's input is a new object; ~80 deoptimisations a point in V8's trace).
    this.onDecision = input.onDecision;
    this.onProgress = input.onProgress;
    this.construction = config.construction;
    this.lotSize = config.lotSize;
    this.minOrderValue = config.minOrderValue;
    this.log = log;
    this.decisionRows = input.schedule.decisionRows;
    this.nSymbols = nSymbols;
    this.nDays = panel.days.length;
    this.startRow = startRow;
    this.slip = config.slippageBps / 10_000;
    const { fee, costs } = costModelOf(config);
    this.fee = fee;
    this.costs = costs;
    this.tradePrices = config.tradeAt === 'open' ? panel.adjOpen : panel.adjClose;
    this.rebalanceCount = rebalanceCount;

    this.positions = new Float64Array(nSymbols);
    this.benchUnits = new Float64Array(nSymbols);
    this.cash = config.initialCash;
    this.benchCash = config.initialCash;
    const length = endRow + 1 - startRow;
    this.equity = new Float64Array(length);
    this.benchmarkEquity = new Float64Array(length);
    this.indexEquity = input.index ? new Float64Array(length) : undefined;
    this.sectorOf = new Int32Array(nSymbols);
    const ids = new Map<string, number>();
    for (let s = 0; s < nSymbols; s++) {
      const name = this.sectors?.[s] ?? 'unknown';
      let id = ids.get(name);
      if (id === undefined) {
        id = this.sectorNames.length;
        ids.set(name, id);
        this.sectorNames.push(name);
      }
      this.sectorOf[s] = id;
    }
    this.sectorSums = new Float64Array(this.sectorNames.length);
    this.sectorSeen = new Uint8Array(this.sectorNames.length);
    this.previousWeights = new Float64Array(nSymbols);
    this.eligibleScores = new Float64Array(nSymbols);
    this.dayText = dayTextsOf(panel.days);
    log.begin({ symbols: panel.symbols, dayText: this.dayText, sectorNames: this.sectorNames });
    this.priceRow = new Float64Array(nSymbols);
    this.barRow = new Uint8Array(nSymbols);
    this.sizedRow = new Uint8Array(nSymbols);
    this.realPriceRow = new Float64Array(nSymbols);
    this.wholeRow = new Float64Array(nSymbols);
    this.book = newSizingBook(nSymbols);
    this.bookSymbol = new Int32Array(nSymbols);
    this.byName = symbolsByName(panel.symbols);
    this.held = new Int32Array(nSymbols);
    this.benchHeld = new Int32Array(nSymbols);
    this.benchFrom = startRow;
  }

  /**
   * Every day of the window in order: its rebalance (on a trade row), exits, closing values. Returns
   * the rebalance days' offsets in the window, where holding periods start. A short loop over small
   * methods rather than one loop nest: V8 optimises each method after a few calls, instead of
   * compiling one big function mid-loop (on-stack replacement), which made a process's first backtest
   * more than twice as slow as the next one. And a method apart from `simulate`, which runs once a
   * backtest: without the loop it stays too cold for V8 to compile at all.
   */
  runDays(
    endRow: number,
    tradeRowToDecision: ReadonlyMap<number, number>,
    indexCloses: Float64Array | undefined,
    indexStart: number,
    initialCash: number,
  ): number[] {
    const { startRow, indexEquity } = this;
    const periodStart: number[] = [];
    for (let t = startRow; t <= endRow; t++) {
      const k = tradeRowToDecision.get(t);
      if (k !== undefined) this.rebalance(t, k);
      this.closeDay(t);
      if (indexEquity) indexEquity[t - startRow] = (initialCash * indexCloses![t]!) / indexStart;
      if (k !== undefined) periodStart.push(t - startRow);
    }
    return periodStart;
  }

  /** The rebalance on trade row t for decision k: decide, size, fill, record; re-weight the benchmark. */
  rebalance(t: number, k: number): void {
    const { panel, nSymbols, positions } = this;
    const decisionRow = this.decisionRows[k]!;
    this.gatherDay(t, k, decisionRow);
    const weights = this.decide(t, k, decisionRow);
    const netLiquidation = this.prepareSizing(t, weights);
    this.fillOrders(t);
    const turnover = netLiquidation > 0 ? this.traded / netLiquidation / 2 : 0;
    this.turnoverSum += turnover;

    const { priceRow, sectorOf, sectorSums, sectorSeen, log } = this;
    const adjFactor = panel.adjFactor;
    let afterEquity = this.cash;
    for (let s = 0; s < nSymbols; s++) if (positions[s] !== 0) afterEquity += positions[s]! * priceRow[s]!;
    for (let s = 0; s < nSymbols; s++) {
      if (positions[s] === 0) continue;
      const weight = (positions[s]! * priceRow[s]!) / afterEquity;
      const sector = sectorOf[s]!;
      log.holding(s, wholeShares(positions[s]! * adjFactor[s * this.nDays + t]!), weight, sector);
      // As the map this replaced: `(get(sector) ?? 0) + weight`, the first addition to 0.
      sectorSums[sector] = (sectorSeen[sector] === 1 ? sectorSums[sector]! : 0) + weight;
      sectorSeen[sector] = 1;
    }
    log.endRebalance(t, decisionRow, netLiquidation, turnover, this.rebalanceCommission);
    this.rebalancesDone++;
    this.reweightBenchmark(t);
    this.positionsChanged = true;
    const onProgress = this.onProgress; // called as a plain function, as a caller's callback expects
    onProgress?.(this.rebalancesDone, this.rebalanceCount);
  }

  /** The weights held at the decision close, and the trade day's prices and bars across symbols. */
  private gatherDay(t: number, k: number, decisionRow: number): void {
    const { panel, nSymbols, nDays, positions, previousWeights, priceRow, barRow, eligibleScores } = this;
    const adjClose = panel.adjClose;
    // Weights held at the decision close: the portfolio construction's starting point.
    let decisionEquity = this.cash;
    for (let s = 0; s < nSymbols; s++)
      if (positions[s] !== 0) decisionEquity += positions[s]! * adjClose[s * nDays + decisionRow]!;
    for (let s = 0; s < nSymbols; s++) {
      previousWeights[s] =
        positions[s] !== 0 ? (positions[s]! * adjClose[s * nDays + decisionRow]!) / decisionEquity : 0;
    }
    const tradePrices = this.tradePrices;
    const hasBar = panel.hasBar;
    for (let s = 0, cell = t; s < nSymbols; s++, cell += nDays) {
      priceRow[s] = tradePrices[cell]!;
      barRow[s] = hasBar[cell]!;
    }
    // A plain loop: Float64Array.from with a mapping callback is several times slower here.
    const scores = this.allScores;
    const offset = k * nSymbols;
    for (let s = 0; s < nSymbols; s++) eligibleScores[s] = barRow[s] === 1 ? scores[offset + s]! : Number.NaN;
  }

  /** Construction and the risk stage on the gathered day. */
  private decide(t: number, k: number, decisionRow: number): Float64Array {
    const { panel, nSymbols, eligibleScores } = this;
    const weights = decideWeights({
      symbols: panel.symbols,
      scores: eligibleScores,
      volatility: this.volatility?.subarray(k * nSymbols, (k + 1) * nSymbols),
      sectors: this.sectors,
      previousWeights: this.previousWeights,
      construction: this.construction,
      risk: this.risk,
    });
    const onDecision = this.onDecision;
    onDecision?.({
      decisionDate: formatDay(panel.days[decisionRow]!),
      tradeDate: formatDay(panel.days[t]!),
      scores: Float64Array.from(eligibleScores),
      weights: Float64Array.from(weights),
    });
    return weights;
  }

  /**
   * Net liquidation at the rebalance's prices (returned), and sizing's book in symbol-name order
   * (the order sizeCheckedTargets sorts in), sized. Untradable holdings keep their position.
   */
  private prepareSizing(t: number, weights: Float64Array): number {
    const { panel, nSymbols, nDays, positions, priceRow, barRow, sizedRow, realPriceRow, wholeRow } = this;
    const adjFactor = panel.adjFactor;
    let cash = this.cash;
    let netLiquidation = cash;
    let gross = 0;
    for (let s = 0; s < nSymbols; s++) {
      const price = priceRow[s]!;
      sizedRow[s] = 0;
      if (positions[s] !== 0) netLiquidation += positions[s]! * price;
      // Only names weighted or held are sized: the rest need no price of the day (a strided read).
      if (barRow[s] !== 1 || (!(weights[s]! > 0) && positions[s] === 0)) continue;
      const realPrice = price / adjFactor[s * nDays + t]!;
      // The checks sizing's schema made, done here once per priced name (see sizeCheckedTargets).
      if (!(realPrice > 0 && realPrice < Number.POSITIVE_INFINITY))
        throw new Error(`panel: ${panel.symbols[s]} has no usable price on ${formatDay(panel.days[t]!)}`);
      if (weights[s]! > 0) gross += weights[s]!;
      let whole = 0;
      if (positions[s] !== 0) {
        // Whole shares for sizing; the reinvested dividends' fraction of a share becomes cash.
        const real = positions[s]! * adjFactor[s * nDays + t]!;
        whole = Math.floor(real + 1e-6);
        cash += (real - whole) * realPrice;
        positions[s] = whole / adjFactor[s * nDays + t]!;
      }
      // Sized: weighted, or holding whole shares.
      if (weights[s]! > 0 || whole !== 0) {
        sizedRow[s] = 1;
        realPriceRow[s] = realPrice;
        wholeRow[s] = whole === 0 ? 0 : whole;
      }
    }
    this.cash = cash;
    if (
      !(netLiquidation >= 0 && Number.isFinite(netLiquidation) && Number.isFinite(cash)) ||
      gross > 1 + 1e-6
    )
      throw new Error(
        `backtest: cannot size ${formatDay(panel.days[t]!)}: net liquidation ${netLiquidation}, cash ${cash}, weights ${gross}`,
      );
    const { book, bookSymbol, byName } = this;
    const lotSize = this.lotSize;
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
      book.lot[sizedCount] = lotSize;
      sizedCount++;
    }
    this.sizedCount = sizedCount;
    sizeBook(book, sizedCount, {
      investable: Math.max(0, netLiquidation), // no cash buffer: the construction left it unallocated
      cash,
      minOrderValue: this.minOrderValue,
      commission: this.costs,
    });
    return netLiquidation;
  }

  /** The sized orders: sells first, then buys, each in name order (the orders sizeCheckedTargets returns). */
  private fillOrders(t: number): void {
    const { book, bookSymbol, positions, slip, fee, log, sizedCount } = this;
    const adjFactor = this.panel.adjFactor;
    let cash = this.cash;
    let traded = 0;
    let rebalanceCommission = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < sizedCount; i++) {
        const quantity = book.target[i]! - book.position[i]!;
        if (quantity === 0 || (quantity < 0 ? 0 : 1) !== pass) continue;
        const s = bookSymbol[i]!;
        const fill = book.price[i]! * (1 + (quantity > 0 ? slip : -slip));
        const commission = fee(Math.abs(quantity), fill);
        cash -= quantity * fill + commission;
        const after = book.position[i]! + quantity;
        positions[s] = after === 0 ? 0 : after / adjFactor[s * this.nDays + t]!;
        traded += Math.abs(quantity) * fill;
        rebalanceCommission += commission;
        log.trade(s, quantity, fill, commission);
      }
    }
    this.cash = cash;
    this.traded = traded;
    this.rebalanceCommission = rebalanceCommission;
    this.totalCommission += rebalanceCommission;
  }

  /** Equal-weight benchmark of the same universe: every tradable symbol, frictionless. */
  private reweightBenchmark(t: number): void {
    const { nSymbols, benchUnits, priceRow, barRow } = this;
    this.valueBenchmarkThrough(t - 1);
    let benchValue = this.benchCash;
    let count = 0;
    for (let s = 0; s < nSymbols; s++) {
      if (benchUnits[s] !== 0) benchValue += benchUnits[s]! * priceRow[s]!;
      if (barRow[s] === 1) count++;
    }
    this.benchCash = count > 0 ? 0 : benchValue;
    for (let s = 0; s < nSymbols; s++)
      benchUnits[s] = count > 0 && barRow[s] === 1 ? benchValue / count / priceRow[s]! : 0;
  }

  /** After any rebalance of row t: exits, then the day's closing equity. */
  closeDay(t: number): void {
    if (this.positionsChanged) this.rebuildLists();
    this.sellEnded(t);
    if (this.positionsChanged) this.rebuildLists();
    const { held, heldCount, positions, nDays } = this;
    const adjClose = this.panel.adjClose;
    let value = this.cash;
    for (let i = 0; i < heldCount; i++) {
      const s = held[i]!;
      value += positions[s]! * adjClose[s * nDays + t]!;
    }
    this.equity[t - this.startRow] = value;
  }

  private rebuildLists(): void {
    const { nSymbols, positions, benchUnits, held, benchHeld } = this;
    let heldCount = 0;
    let benchCount = 0;
    for (let s = 0; s < nSymbols; s++) {
      if (positions[s] !== 0) held[heldCount++] = s;
      if (benchUnits[s] !== 0) benchHeld[benchCount++] = s;
    }
    this.heldCount = heldCount;
    this.benchCount = benchCount;
    this.positionsChanged = false;
  }

  /** Holdings whose bars end on row t (before the panel's do) are sold at its close. */
  private sellEnded(t: number): void {
    const { panel, held, heldCount, positions, nDays, slip, fee: commission } = this;
    const lastRow = panel.lastRow;
    for (let i = 0; i < heldCount; i++) {
      const s = held[i]!;
      if (lastRow[s] !== t || t === nDays - 1) continue;
      const realPrice = panel.adjClose[s * nDays + t]! / panel.adjFactor[s * nDays + t]!;
      const real = positions[s]! * panel.adjFactor[s * nDays + t]!;
      const quantity = -Math.floor(real + 1e-6);
      const fill = realPrice * (1 - slip);
      const fee = commission(-quantity, fill);
      this.cash += (real + quantity) * realPrice - quantity * fill - fee;
      positions[s] = 0;
      this.totalCommission += fee;
      this.log.exit(t, s, quantity, fill, fee);
      this.exitCount++;
      this.positionsChanged = true;
    }
  }

  /**
   * The benchmark's units change only at rebalances: each holding period is valued symbol by symbol
   * over its days (contiguous in the symbol-major panel) instead of day by day across symbols. For
   * each day the additions still run from the cash in ascending s, so the sums are the same bits.
   */
  valueBenchmarkThrough(last: number): void {
    const { benchmarkEquity, benchHeld, benchCount, benchUnits, nDays, startRow, benchFrom } = this;
    const adjClose = this.panel.adjClose;
    for (let t = benchFrom; t <= last; t++) benchmarkEquity[t - startRow] = this.benchCash;
    for (let i = 0; i < benchCount; i++) {
      const s = benchHeld[i]!;
      const units = benchUnits[s]!;
      for (let t = benchFrom, cell = s * nDays + benchFrom; t <= last; t++, cell++)
        benchmarkEquity[t - startRow] = benchmarkEquity[t - startRow]! + units * adjClose[cell]!;
    }
    this.benchFrom = last + 1;
  }
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
