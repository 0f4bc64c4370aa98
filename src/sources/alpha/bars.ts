/**
 * Research bars: daily Alpha Vantage data held column-wise in typed arrays, oldest first.
 *
 * The `source: 'alpha'` tag and the unique brand keep research data out of trading code (DESIGN
 * invariant 4): a function that takes IB bars cannot be handed AlphaBars by accident, because the
 * brand symbol is not exported and only this module can create the type.
 */
declare const alphaBarsBrand: unique symbol;

export interface AlphaBarColumns {
  /** Days since 1970-01-01, strictly increasing. */
  readonly days: Int32Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  /** Unadjusted close as traded that day. */
  readonly close: Float64Array;
  /** Close adjusted for splits and dividends (Alpha Vantage's adjusted_close). */
  readonly adjustedClose: Float64Array;
  readonly volume: Float64Array;
  readonly dividend: Float64Array;
  /** 1 on ordinary days; the split ratio on a split day. */
  readonly splitCoefficient: Float64Array;
}

export type AlphaBars = AlphaBarColumns & {
  readonly source: 'alpha';
  readonly symbol: string;
  readonly length: number;
  readonly [alphaBarsBrand]: true;
};

/** Column names in the stored (and parsed) order. */
export const BAR_COLUMNS = [
  'open',
  'high',
  'low',
  'close',
  'adjustedClose',
  'volume',
  'dividend',
  'splitCoefficient',
] as const;

export type BarFloatColumn = (typeof BAR_COLUMNS)[number];

export function makeAlphaBars(symbol: string, columns: AlphaBarColumns): AlphaBars {
  const length = columns.days.length;
  for (const name of BAR_COLUMNS) {
    if (columns[name].length !== length) {
      throw new Error(
        `AlphaBars ${symbol}: column ${name} has ${columns[name].length} rows, expected ${length}`,
      );
    }
  }
  return { ...columns, source: 'alpha', symbol, length } as AlphaBars;
}

/** Allocates empty columns for `length` rows. */
export function allocateColumns(length: number): AlphaBarColumns {
  return {
    days: new Int32Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    adjustedClose: new Float64Array(length),
    volume: new Float64Array(length),
    dividend: new Float64Array(length),
    splitCoefficient: new Float64Array(length),
  };
}

export function isAlphaBars(value: unknown): value is AlphaBars {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { source?: unknown }).source === 'alpha' &&
    (value as { days?: unknown }).days instanceof Int32Array
  );
}
