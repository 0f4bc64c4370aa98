/**
 * Trading bars: IB historical bars held column-wise in typed arrays, oldest first.
 *
 * The `source: 'ib'` tag and the unique brand keep trading data apart from research data (DESIGN
 * invariant 4): a function that takes IbBars cannot be handed research AlphaBars, because the brand
 * symbol is not exported and only this module creates the type.
 */
import type { BrokerBar } from '../brokerage/index.js';

declare const ibBarsBrand: unique symbol;

export type IbBarSize = '1 day' | '1 min';

export interface IbBarColumns {
  /** Bar start, epoch ms (daily bars: 00:00 UTC of the session date), strictly increasing. */
  readonly timeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly wap: Float64Array;
  readonly count: Float64Array;
}

export type IbBars = IbBarColumns & {
  readonly source: 'ib';
  readonly symbol: string;
  readonly barSize: IbBarSize;
  readonly length: number;
  readonly [ibBarsBrand]: true;
};

export const IB_BAR_COLUMNS = ['timeMs', 'open', 'high', 'low', 'close', 'volume', 'wap', 'count'] as const;

export function ibBarsFromColumns(symbol: string, barSize: IbBarSize, columns: IbBarColumns): IbBars {
  const length = columns.timeMs.length;
  for (const name of IB_BAR_COLUMNS) {
    if (columns[name].length !== length)
      throw new Error(`IbBars ${symbol}: column ${name} has a different length`);
  }
  return { ...columns, source: 'ib', symbol, barSize, length } as IbBars;
}

/** Sorts by time and drops repeated times (the later one wins). */
export function ibBarsFromRows(symbol: string, barSize: IbBarSize, rows: readonly BrokerBar[]): IbBars {
  const byTime = new Map<number, BrokerBar>();
  for (const row of rows) byTime.set(row.timeMs, row);
  const sorted = [...byTime.values()].sort((a, b) => a.timeMs - b.timeMs);
  const n = sorted.length;
  const columns = {
    timeMs: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    wap: new Float64Array(n),
    count: new Float64Array(n),
  };
  sorted.forEach((bar, i) => {
    columns.timeMs[i] = bar.timeMs;
    columns.open[i] = bar.open;
    columns.high[i] = bar.high;
    columns.low[i] = bar.low;
    columns.close[i] = bar.close;
    columns.volume[i] = bar.volume;
    columns.wap[i] = bar.wap;
    columns.count[i] = bar.count;
  });
  return ibBarsFromColumns(symbol, barSize, columns);
}

/** Joins chunks (each sorted) into one series; later chunks win on equal times. */
export function concatIbBars(symbol: string, barSize: IbBarSize, parts: readonly IbBars[]): IbBars {
  const nonEmpty = parts.filter((p) => p.length > 0);
  const ordered = nonEmpty.every(
    (p, i) => i === 0 || (p.timeMs[0] as number) > ((nonEmpty[i - 1] as IbBars).timeMs.at(-1) as number),
  );
  if (ordered) {
    // The usual case (chunks in key order never overlap): copy columns, no per-bar work.
    const n = nonEmpty.reduce((sum, p) => sum + p.length, 0);
    const join = (name: (typeof IB_BAR_COLUMNS)[number]) => {
      const out = new Float64Array(n);
      let at = 0;
      for (const p of nonEmpty) {
        out.set(p[name], at);
        at += p.length;
      }
      return out;
    };
    return ibBarsFromColumns(symbol, barSize, {
      timeMs: join('timeMs'),
      open: join('open'),
      high: join('high'),
      low: join('low'),
      close: join('close'),
      volume: join('volume'),
      wap: join('wap'),
      count: join('count'),
    });
  }
  const rows: BrokerBar[] = [];
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      rows.push({
        timeMs: part.timeMs[i] as number,
        open: part.open[i] as number,
        high: part.high[i] as number,
        low: part.low[i] as number,
        close: part.close[i] as number,
        volume: part.volume[i] as number,
        wap: part.wap[i] as number,
        count: part.count[i] as number,
      });
    }
  }
  return ibBarsFromRows(symbol, barSize, rows);
}

/** A quote as trading code sees it: always tagged with where it came from. */
export interface IbQuote {
  readonly source: 'ib';
  symbol: string;
  conId: number;
  timeMs: number;
  bid: number | null;
  ask: number | null;
  last: number | null;
  bidSize: number | null;
  askSize: number | null;
  lastSize: number | null;
  volume: number | null;
}
