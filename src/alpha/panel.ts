/**
 * Daily series the panel is built from. AlphaBars fit as they are (research); live trading builds the
 * same shape from IB bars with `source: 'ib'`, so features and models run unchanged on either, while
 * the panel (and every score made from it) says which data it came from (DESIGN invariant 4).
 */
export interface PanelSeries {
  readonly source: 'alpha' | 'ib';
  readonly symbol: string;
  readonly length: number;
  readonly days: Int32Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly adjustedClose: Float64Array;
  readonly volume: Float64Array;
}

/**
 * All symbols' research bars aligned on one day axis (the union of their trading days), stored
 * symbol-major (`s * days.length + t`) because features walk each symbol's history in time order.
 *
 * Prices are split- and dividend-adjusted (the open is adjusted with the day's close ratio), so a
 * backtest's returns include dividends and splits need no special handling. After a symbol's first
 * bar, prices are carried forward over days without a bar (`hasBar` = 0) for valuation; nobody trades
 * or scores a symbol on such a day.
 */
export interface Panel {
  readonly source: 'alpha' | 'ib';
  readonly symbols: readonly string[];
  readonly days: Int32Array;
  readonly adjOpen: Float64Array;
  readonly adjClose: Float64Array;
  /** Traded value (unadjusted close x volume), which unlike share volume is unchanged by splits. */
  readonly dollarVolume: Float64Array;
  readonly hasBar: Uint8Array;
  /**
   * Adjusted / unadjusted price of the day (carried forward like the prices): the price as traded is
   * `adjOpen / adjFactor`, and one adjusted unit held is `adjFactor` real shares. Splits move it by
   * their ratio and dividends slightly, so sizing and commissions can work in the day's real shares.
   */
  readonly adjFactor: Float64Array;
  /** Row of each symbol's first bar (days.length if none). */
  readonly firstRow: Int32Array;
  /** Row of each symbol's last bar (-1 if none): a series ending before the panel does stopped trading. */
  readonly lastRow: Int32Array;
}

/**
 * Series handed over one at a time, in symbol order, by a reader that reuses one buffer (the research
 * store's `priceSeriesReader`): `series(i)` may overwrite what the previous call returned, while
 * `days(i)` stays valid. Building a panel then needs no memory for all the bars at once, and fresh
 * memory is a large share of loading decades of 500 symbols.
 */
export interface PanelSeriesReader {
  readonly source: 'alpha' | 'ib';
  readonly symbols: readonly string[];
  days(i: number): Int32Array;
  series(i: number): PanelSeries;
}

export interface PanelOptions {
  /**
   * Columns in SharedArrayBuffers, which worker threads read in place (a sweep's): built there rather
   * than copied there afterwards, because fresh memory is most of what building a panel costs.
   */
  shared?: boolean;
}

export function buildPanel(
  input: readonly PanelSeries[] | PanelSeriesReader,
  options: PanelOptions = {},
): Panel {
  const shared = options.shared ?? false;
  if (!Array.isArray(input)) return panelFrom(input as PanelSeriesReader, shared);
  const barsList = input as readonly PanelSeries[];
  const source = barsList[0]?.source ?? 'alpha';
  const mixed = barsList.find((bars) => bars.source !== source);
  if (mixed)
    throw new Error(`panel: ${mixed.symbol} is ${mixed.source} data among ${source} data; never mix sources`);
  const sorted = [...barsList].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return panelFrom(
    {
      source,
      symbols: sorted.map((bars) => bars.symbol),
      days: (i) => sorted[i]!.days,
      series: (i) => sorted[i]!,
    },
    shared,
  );
}

function panelFrom(reader: PanelSeriesReader, shared: boolean): Panel {
  const { source } = reader;
  const nSymbols = reader.symbols.length;
  for (let i = 1; i < nSymbols; i++)
    if (reader.symbols[i - 1]! > reader.symbols[i]!)
      throw new Error(
        `panel: symbols must be sorted, got ${reader.symbols[i]} after ${reader.symbols[i - 1]}`,
      );
  const days = unionOfDays(
    Array.from(reader.symbols, (_, i) => reader.days(i)),
    shared,
  );
  const nDays = days.length;
  const size = nDays * nSymbols;
  // No NaN fill: the loop below writes every cell of the price columns (NaN before a first bar).
  const adjOpen = newColumn(Float64Array, size, shared);
  const adjClose = newColumn(Float64Array, size, shared);
  const dollarVolume = newColumn(Float64Array, size, shared);
  const hasBar = newColumn(Uint8Array, size, shared);
  const adjFactor = newColumn(Float64Array, size, shared);
  const firstRow = newColumn(Int32Array, nSymbols, shared).fill(nDays);
  const lastRow = newColumn(Int32Array, nSymbols, shared).fill(-1);

  const columns: PanelColumns = { days, adjOpen, adjClose, dollarVolume, hasBar, adjFactor };
  // One small function per symbol rather than one loop nest: V8 optimises it after a few symbols
  // instead of replacing a giant function's frame mid-loop (on-stack replacement), which costs more.
  for (let s = 0; s < nSymbols; s++) {
    const bars = reader.series(s);
    if (bars.source !== source)
      throw new Error(`panel: ${bars.symbol} is ${bars.source} data among ${source} data; never mix sources`);
    if (bars.length === 0) {
      fillWithoutBars(columns, s * nDays, nDays);
      continue;
    }
    lastRow[s] = fillSymbol(
      bars.days,
      bars.open,
      bars.close,
      bars.adjustedClose,
      bars.volume,
      bars.length,
      columns,
      s * nDays,
    );
    firstRow[s] = rowOf(days, bars.days[0]!);
  }

  return {
    source,
    symbols: [...reader.symbols],
    days,
    adjOpen,
    adjClose,
    dollarVolume,
    hasBar,
    adjFactor,
    firstRow,
    lastRow,
  };
}

type PanelColumns = Pick<Panel, 'days' | 'adjOpen' | 'adjClose' | 'dollarVolume' | 'hasBar' | 'adjFactor'>;

/** Writes one symbol's columns from `base` on; returns the row of its last bar. */
function fillSymbol(
  barDays: Int32Array,
  open: Float64Array,
  close: Float64Array,
  adjustedClose: Float64Array,
  volume: Float64Array,
  length: number,
  columns: PanelColumns,
  base: number,
): number {
  const { days, adjOpen, adjClose, dollarVolume, hasBar, adjFactor } = columns;
  const nDays = days.length;
  let t = 0;
  let lastClose = Number.NaN;
  let ratio = Number.NaN;
  for (let i = 0; i < length; i++) {
    const day = barDays[i]!;
    while (days[t]! < day) {
      adjOpen[base + t] = lastClose; // a day without a bar opens where the last one closed
      adjClose[base + t] = lastClose;
      adjFactor[base + t] = ratio;
      t++;
    }
    ratio = adjustedClose[i]! / close[i]!;
    lastClose = adjustedClose[i]!;
    adjOpen[base + t] = open[i]! * ratio;
    adjClose[base + t] = lastClose;
    adjFactor[base + t] = ratio;
    dollarVolume[base + t] = close[i]! * volume[i]!;
    hasBar[base + t] = 1;
    t++;
  }
  const last = t - 1;
  for (; t < nDays; t++) {
    adjOpen[base + t] = lastClose;
    adjClose[base + t] = lastClose;
    adjFactor[base + t] = ratio;
  }
  return last;
}

/** A symbol without bars: NaN prices (its first and last rows keep their "none" defaults). */
function fillWithoutBars(columns: PanelColumns, base: number, nDays: number): void {
  columns.adjOpen.fill(Number.NaN, base, base + nDays);
  columns.adjClose.fill(Number.NaN, base, base + nDays);
  columns.adjFactor.fill(Number.NaN, base, base + nDays);
}

/** Row of `day`, which is on the panel's axis (the union of the series' days). */
function rowOf(days: Int32Array, day: number): number {
  let low = 0;
  let high = days.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (days[mid]! < day) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The sorted union of all series' days. Days are small integers (days since 1970) spanning a few
 * thousand values, so a mark per day in that span replaces a hash set of millions of insertions.
 */
function unionOfDays(series: readonly Int32Array[], shared: boolean): Int32Array {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const days of series) {
    for (let i = 0; i < days.length; i++) {
      const day = days[i]!;
      if (day < min) min = day;
      if (day > max) max = day;
    }
  }
  if (!(min <= max)) return newColumn(Int32Array, 0, shared);
  const seen = new Uint8Array(max - min + 1);
  for (const days of series) {
    for (let i = 0; i < days.length; i++) seen[days[i]! - min] = 1;
  }
  let count = 0;
  for (let i = 0; i < seen.length; i++) count += seen[i]!;
  const out = newColumn(Int32Array, count, shared);
  let n = 0;
  for (let i = 0; i < seen.length; i++) if (seen[i]) out[n++] = min + i;
  return out;
}

/** A typed array's constructor (Float64Array, Int32Array...), as `newColumn` calls it. */
interface ColumnKind<Column> {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): Column;
  new (buffer: SharedArrayBuffer): Column;
}

/** A zeroed column of `length` values, in a SharedArrayBuffer if `shared` (see `PanelOptions`). */
export function newColumn<Column>(Kind: ColumnKind<Column>, length: number, shared = false): Column {
  return shared ? new Kind(new SharedArrayBuffer(length * Kind.BYTES_PER_ELEMENT)) : new Kind(length);
}

/** Index of the last panel row on or before `day`, or -1. */
export function rowAtOrBefore(panel: Panel, day: number): number {
  let low = 0;
  let high = panel.days.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (panel.days[mid]! <= day) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
