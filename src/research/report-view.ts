import type { BacktestResult, MonthlyReturn } from '../backtest/index.js';

/** One year of the monthly returns heatmap; `months[0]` is January, null where the backtest has no data. */
export interface MonthlyRow {
  year: number;
  months: (number | null)[];
  /** Compounded over the months present. */
  total: number;
}

export interface SectorExposureSeries {
  /** Rebalance dates. */
  dates: string[];
  sectors: string[];
  /** Weight per sector at each date (0 when not held). */
  weights: Record<string, number[]>;
  /** Mean weight per sector over rebalances. */
  average: Record<string, number>;
}

export interface BacktestReport {
  start: string;
  end: string;
  symbols: number;
  config: BacktestResult['config'];
  stats: BacktestResult['stats'];
  benchmark: BacktestResult['benchmark'];
  curves: { days: string[]; equity: number[]; benchmark: number[]; drawdown: number[] };
  monthly: { strategy: MonthlyRow[]; benchmark: MonthlyRow[] };
  sectorExposure: SectorExposureSeries;
  rebalances: BacktestResult['rebalances'];
  /** Holdings sold because their symbol stopped trading. */
  exits: BacktestResult['exits'];
  /** The market index benchmark (buy and hold), when the run had one. */
  index: { symbol: string; stats: BacktestResult['benchmark']; equity: number[] } | null;
}

export function monthlyMatrix(
  monthly: readonly MonthlyReturn[],
  pick: 'strategy' | 'benchmark',
): MonthlyRow[] {
  const rows = new Map<number, MonthlyRow>();
  for (const entry of monthly) {
    const year = Number(entry.month.slice(0, 4));
    const month = Number(entry.month.slice(5, 7));
    let row = rows.get(year);
    if (!row) {
      row = { year, months: Array.from({ length: 12 }, () => null), total: 0 };
      rows.set(year, row);
    }
    row.months[month - 1] = entry[pick];
  }
  for (const row of rows.values()) {
    row.total = row.months.reduce<number>((growth, value) => growth * (1 + (value ?? 0)), 1) - 1;
  }
  return [...rows.values()].sort((a, b) => a.year - b.year);
}

export function sectorExposureSeries(result: BacktestResult): SectorExposureSeries {
  const sectors = [...new Set(result.rebalances.flatMap((r) => Object.keys(r.sectors)))].sort();
  const weights: Record<string, number[]> = {};
  for (const sector of sectors) weights[sector] = result.rebalances.map((r) => r.sectors[sector] ?? 0);
  return {
    dates: result.rebalances.map((r) => r.date),
    sectors,
    weights,
    average: result.sectorExposure,
  };
}

export function backtestReport(result: BacktestResult): BacktestReport {
  return {
    start: result.start,
    end: result.end,
    symbols: result.symbols,
    config: result.config,
    stats: result.stats,
    benchmark: result.benchmark,
    curves: {
      days: result.days,
      equity: result.equity,
      benchmark: result.benchmarkEquity,
      drawdown: result.drawdown,
    },
    monthly: {
      strategy: monthlyMatrix(result.monthly, 'strategy'),
      benchmark: monthlyMatrix(result.monthly, 'benchmark'),
    },
    sectorExposure: sectorExposureSeries(result),
    rebalances: result.rebalances,
    exits: result.exits,
    index: result.index,
  };
}

/** Equity divided by its first value, so runs with different starting cash plot on one axis. */
export function normalisedEquity(equity: readonly number[]): number[] {
  const first = equity[0];
  if (first === undefined || first === 0) return [...equity];
  return equity.map((value) => value / first);
}
