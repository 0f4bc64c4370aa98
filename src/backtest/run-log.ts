import type { Exit, Holding, Rebalance, Trade } from './engine.js';

/**
 * Where a backtest writes what each rebalance and exit did. A full result wants objects (ObjectLog);
 * a sweep point wants only statistics and the result hash, and ~50,000 trade and holding objects per
 * point of 20 years were most of its garbage: with two workers, young-generation GC and its helper
 * threads took the second core. ResultColumns records the same facts into typed arrays that grow once
 * per thread and are reused point after point.
 */
export interface RunLog {
  /** Called once per run, before anything is recorded. */
  begin(context: RunContext): void;
  trade(s: number, quantity: number, price: number, commission: number): void;
  /** In ascending s; `sector` indexes `RunContext.sectorNames`. */
  holding(s: number, shares: number, weight: number, sector: number): void;
  /** Closes the rebalance on trade row t whose trades and holdings were just recorded. */
  endRebalance(t: number, decisionRow: number, equity: number, turnover: number, commission: number): void;
  exit(t: number, s: number, quantity: number, price: number, commission: number): void;
}

export interface RunContext {
  symbols: readonly string[];
  /** YYYY-MM-DD per panel row. */
  dayText: readonly string[];
  /** Distinct sector names (a symbol without one is in 'unknown'), in the order first met. */
  sectorNames: readonly string[];
}

/** The objects of a full BacktestResult, exactly as the engine built them before logs existed. */
export class ObjectLog implements RunLog {
  readonly rebalances: Rebalance[] = [];
  readonly exits: Exit[] = [];
  private context: RunContext | undefined;
  private trades: Trade[] = [];
  private holdings: Holding[] = [];
  private sectors: Record<string, number> = {};

  begin(context: RunContext): void {
    this.context = context;
  }

  trade(s: number, quantity: number, price: number, commission: number): void {
    // Keys in canonical (sorted) order, as Holding's are: the v1 result hash writes each rebalance's
    // trades with JSON.stringify's fast path (result-hash.ts).
    this.trades.push({ commission, price, quantity, symbol: this.context!.symbols[s]! });
  }

  holding(s: number, shares: number, weight: number, sector: number): void {
    this.holdings.push({ symbol: this.context!.symbols[s]!, shares, weight });
    const name = this.context!.sectorNames[sector]!;
    this.sectors[name] = (this.sectors[name] ?? 0) + weight;
  }

  endRebalance(t: number, decisionRow: number, equity: number, turnover: number, commission: number): void {
    const { dayText } = this.context!;
    this.rebalances.push({
      date: dayText[t]!,
      decisionDate: dayText[decisionRow]!,
      equity,
      turnover,
      commission,
      trades: this.trades,
      holdings: this.holdings,
      sectors: this.sectors,
    });
    this.trades = [];
    this.holdings = [];
    this.sectors = {};
  }

  exit(t: number, s: number, quantity: number, price: number, commission: number): void {
    const { dayText, symbols } = this.context!;
    this.exits.push({ date: dayText[t]!, symbol: symbols[s]!, quantity, price, commission });
  }
}

/** A growable column of doubles. */
export class F64Column {
  data = new Float64Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/** A growable column of 32-bit integers. */
export class I32Column {
  data = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/**
 * A run's rebalances, trades, holdings, per-rebalance sector weights and exits as columns. Rebalance
 * i's trades are rows `tradeEnd[i-1] .. tradeEnd[i]` of the trade columns (0 for i = 0), likewise its
 * holdings and sectors. A rebalance's sector weights are stored in the sectors' name order (the
 * order a hash writes them), summed in ascending s as ObjectLog sums them, so the values are the same bits.
 * Reused across runs: `begin` empties it and keeps the memory.
 */
export class ResultColumns implements RunLog {
  context: RunContext | undefined;
  readonly tradeSymbol = new I32Column();
  readonly tradeQuantity = new F64Column();
  readonly tradePrice = new F64Column();
  readonly tradeCommission = new F64Column();
  readonly holdingSymbol = new I32Column();
  readonly holdingShares = new F64Column();
  readonly holdingWeight = new F64Column();
  readonly rebalanceRow = new I32Column();
  readonly rebalanceDecisionRow = new I32Column();
  readonly rebalanceEquity = new F64Column();
  readonly rebalanceTurnover = new F64Column();
  readonly rebalanceCommission = new F64Column();
  readonly tradeEnd = new I32Column();
  readonly holdingEnd = new I32Column();
  readonly sectorEnd = new I32Column();
  readonly sectorId = new I32Column();
  readonly sectorWeight = new F64Column();
  readonly exitRow = new I32Column();
  readonly exitSymbol = new I32Column();
  readonly exitQuantity = new F64Column();
  readonly exitPrice = new F64Column();
  readonly exitCommission = new F64Column();
  /** Sector ids in name order. */
  private byName = new Int32Array(0);
  private sums = new Float64Array(0);
  private touched = new Uint8Array(0);

  begin(context: RunContext): void {
    this.context = context;
    for (const column of [
      this.tradeSymbol,
      this.tradeQuantity,
      this.tradePrice,
      this.tradeCommission,
      this.holdingSymbol,
      this.holdingShares,
      this.holdingWeight,
      this.rebalanceRow,
      this.rebalanceDecisionRow,
      this.rebalanceEquity,
      this.rebalanceTurnover,
      this.rebalanceCommission,
      this.tradeEnd,
      this.holdingEnd,
      this.sectorEnd,
      this.sectorId,
      this.sectorWeight,
      this.exitRow,
      this.exitSymbol,
      this.exitQuantity,
      this.exitPrice,
      this.exitCommission,
    ])
      column.length = 0;
    const names = context.sectorNames;
    this.byName = Int32Array.from(names.keys()).sort((a, b) =>
      names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0,
    );
    if (this.sums.length < names.length) {
      this.sums = new Float64Array(names.length);
      this.touched = new Uint8Array(names.length);
    }
  }

  get rebalances(): number {
    return this.rebalanceRow.length;
  }

  get exits(): number {
    return this.exitRow.length;
  }

  trade(s: number, quantity: number, price: number, commission: number): void {
    this.tradeSymbol.push(s);
    this.tradeQuantity.push(quantity);
    this.tradePrice.push(price);
    this.tradeCommission.push(commission);
  }

  holding(s: number, shares: number, weight: number, sector: number): void {
    this.holdingSymbol.push(s);
    this.holdingShares.push(shares);
    this.holdingWeight.push(weight);
    // As ObjectLog's `(sectors[name] ?? 0) + weight`: the first addition is to 0.
    this.sums[sector] = this.touched[sector] === 1 ? this.sums[sector]! + weight : 0 + weight;
    this.touched[sector] = 1;
  }

  endRebalance(t: number, decisionRow: number, equity: number, turnover: number, commission: number): void {
    this.rebalanceRow.push(t);
    this.rebalanceDecisionRow.push(decisionRow);
    this.rebalanceEquity.push(equity);
    this.rebalanceTurnover.push(turnover);
    this.rebalanceCommission.push(commission);
    this.tradeEnd.push(this.tradeSymbol.length);
    this.holdingEnd.push(this.holdingSymbol.length);
    for (const id of this.byName) {
      if (this.touched[id] !== 1) continue;
      this.sectorId.push(id);
      this.sectorWeight.push(this.sums[id]!);
      this.touched[id] = 0;
    }
    this.sectorEnd.push(this.sectorId.length);
  }

  exit(t: number, s: number, quantity: number, price: number, commission: number): void {
    this.exitRow.push(t);
    this.exitSymbol.push(s);
    this.exitQuantity.push(quantity);
    this.exitPrice.push(price);
    this.exitCommission.push(commission);
  }
}
