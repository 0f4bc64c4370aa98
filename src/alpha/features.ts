import { newColumn, type Panel } from './panel.js';

/**
 * Features from daily bars. Every value at panel row t uses rows <= t only (no look-ahead); windows
 * count trading rows of the panel (5 rows = 1 week). Prices are adjusted closes.
 *
 *   mom_4w, mom_12w, mom_26w, mom_52w  momentum over N weeks skipping the last week:
 *                                      P[t-5] / P[t-5N] - 1 (the skip avoids the 1-week reversal)
 *   rev_1w                             short-term reversal input: P[t] / P[t-5] - 1
 *   vol_20d, vol_60d                   annualised standard deviation of daily log returns
 *   volume_trend                       ln(mean traded value over 20 days / mean over 120 days)
 *   dist_52w_high                      P[t] / max(P[t-259..t]) - 1 (0 at a new high, < 0 below it)
 *
 * A feature is NaN when its window reaches before the symbol's first bar.
 */
export const FEATURE_NAMES = [
  'mom_4w',
  'mom_12w',
  'mom_26w',
  'mom_52w',
  'rev_1w',
  'vol_20d',
  'vol_60d',
  'volume_trend',
  'dist_52w_high',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const WEEK = 5;
const YEAR = 260;
const ANNUALISE = Math.sqrt(252);

/** Annualised standard deviation of the `window` log returns ending at row t, from prefix sums. */
export function windowVolatility(sum1: Float64Array, sum2: Float64Array, t: number, window: number): number {
  const sum = sum1[t + 1]! - sum1[t + 1 - window]!;
  const squares = sum2[t + 1]! - sum2[t + 1 - window]!;
  const variance = (squares - (sum * sum) / window) / (window - 1);
  return Math.sqrt(Math.max(variance, 0)) * ANNUALISE;
}

/**
 * Computes all features at the given panel rows for every symbol.
 * Returns values laid out as `[(k * nSymbols + s) * width + f]` for row index k: `width` is
 * FEATURE_COUNT unless a caller (the dataset) wants room for further columns after the features, which
 * then saves it a second array of the same size and a copy.
 */
export function computeFeatures(panel: Panel, rows: Int32Array, width: number = FEATURE_COUNT): Float64Array {
  const nDays = panel.days.length;
  const nSymbols = panel.symbols.length;
  const out = new Float64Array(rows.length * nSymbols * width).fill(Number.NaN);
  forEachListedSymbol(panel, true, (s, first, scratch) =>
    symbolFeatures(panel.adjClose, s * nDays, first, nDays, rows, s * width, nSymbols * width, out, scratch),
  );
  return out;
}

/**
 * Two features alone, `[k * nSymbols + s]`: mom_26w (which decides a sample's eligibility, see
 * dataset.ts) and vol_60d (inverse-volatility weighting), bit for bit `computeFeatures`' columns. A
 * sweep's points read nothing else of the features, and the whole matrix was most of the fresh memory
 * (slow to come by) of a sweep's serial start. `shared`: in SharedArrayBuffers (see `PanelOptions`).
 */
export function momentumAndVolatility(
  panel: Panel,
  rows: Int32Array,
  shared = false,
): { mom26w: Float64Array; vol60d: Float64Array } {
  const nDays = panel.days.length;
  const nSymbols = panel.symbols.length;
  const mom26w = newColumn(Float64Array, rows.length * nSymbols, shared).fill(Number.NaN);
  const vol60d = newColumn(Float64Array, rows.length * nSymbols, shared).fill(Number.NaN);
  const out = { mom26w, vol60d };
  forEachListedSymbol(panel, false, (s, first, scratch) =>
    symbolMomentumAndVolatility(panel.adjClose, s * nDays, first, nDays, rows, s, nSymbols, out, scratch),
  );
  return out;
}

/**
 * Calls `visit` for each symbol with bars, its prefix sums (and rolling high if `withHigh`) prepared in
 * the scratch arrays. One small function per symbol rather than one loop nest: V8 optimises it after a
 * few symbols instead of replacing a giant function's frame mid-loop (on-stack replacement).
 */
function forEachListedSymbol(
  panel: Panel,
  withHigh: boolean,
  visit: (s: number, first: number, scratch: SymbolScratch) => void,
): void {
  const nDays = panel.days.length;
  const scratch = symbolScratch(nDays);
  for (let s = 0; s < panel.symbols.length; s++) {
    const first = panel.firstRow[s]!;
    if (first >= nDays) continue;
    prepareSymbol(panel.adjClose, panel.dollarVolume, s * nDays, first, nDays, scratch, withHigh);
    visit(s, first, scratch);
  }
}

/** `symbolFeatures`' mom_26w and vol_60d of one symbol (the same expressions), from `offset` on. */
function symbolMomentumAndVolatility(
  prices: Float64Array,
  base: number,
  first: number,
  nDays: number,
  rows: Int32Array,
  offset: number,
  stride: number,
  out: { mom26w: Float64Array; vol60d: Float64Array },
  scratch: SymbolScratch,
): void {
  const { mom26w, vol60d } = out;
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k]!;
    if (t < first || t >= nDays) continue;
    const o = offset + k * stride;
    const history = t - first;
    if (history >= 26 * WEEK) mom26w[o] = prices[base + t - WEEK]! / prices[base + t - 26 * WEEK]! - 1;
    if (history >= 60) vol60d[o] = windowVolatility(scratch.logReturnSum, scratch.logReturnSquares, t, 60);
  }
}

function symbolScratch(nDays: number): SymbolScratch {
  return {
    logReturnSum: new Float64Array(nDays + 1),
    logReturnSquares: new Float64Array(nDays + 1),
    valueSum: new Float64Array(nDays + 1),
    rollingHigh: new Float64Array(nDays),
    deque: new Int32Array(nDays),
  };
}

interface SymbolScratch {
  readonly logReturnSum: Float64Array;
  readonly logReturnSquares: Float64Array;
  readonly valueSum: Float64Array;
  readonly rollingHigh: Float64Array;
  readonly deque: Int32Array;
}

/** One symbol's prefix sums and (if `withHigh`) rolling 52-week high, into the scratch arrays. */
function prepareSymbol(
  prices: Float64Array,
  dollarVolume: Float64Array,
  base: number,
  first: number,
  nDays: number,
  scratch: SymbolScratch,
  withHigh: boolean,
): void {
  const { logReturnSum, logReturnSquares, valueSum, rollingHigh, deque } = scratch;
  // Prefix sums give any window's mean and variance in O(1).
  logReturnSum[0] = 0;
  logReturnSquares[0] = 0;
  valueSum[0] = 0;
  let previousPrice = prices[base]!;
  let sum = 0;
  let squares = 0;
  let value = 0;
  for (let t = 0; t < nDays; t++) {
    const p = prices[base + t]!;
    const r = t > first ? Math.log(p / previousPrice) : 0;
    previousPrice = p;
    sum += r;
    squares += r * r;
    value += dollarVolume[base + t]!;
    logReturnSum[t + 1] = sum;
    logReturnSquares[t + 1] = squares;
    valueSum[t + 1] = value;
  }
  if (!withHigh) return;
  // Sliding-window maximum over YEAR rows with a monotonic deque: O(nDays) per symbol.
  let head = 0;
  let tail = 0;
  for (let t = first; t < nDays; t++) {
    const p = prices[base + t]!;
    while (tail > head && prices[base + deque[tail - 1]!]! <= p) tail--;
    deque[tail++] = t;
    if (deque[head]! <= t - YEAR) head++;
    rollingHigh[t] = prices[base + deque[head]!]!;
  }
}

/** One symbol's features at every row, written from `offset + k * stride` on. */
function symbolFeatures(
  prices: Float64Array,
  base: number,
  first: number,
  nDays: number,
  rows: Int32Array,
  offset: number,
  stride: number,
  out: Float64Array,
  scratch: SymbolScratch,
): void {
  const { logReturnSum, logReturnSquares, valueSum, rollingHigh } = scratch;
  const missing = Number.NaN; // a short name for the many "not enough history" branches
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k]!;
    if (t < first || t >= nDays) continue;
    const o = offset + k * stride;
    const history = t - first; // rows of history before t
    const now = prices[base + t]!;
    const skipped = history >= WEEK ? prices[base + t - WEEK]! : missing;
    // Momentum over N weeks skipping the last week.
    out[o] = history >= 4 * WEEK ? skipped / prices[base + t - 4 * WEEK]! - 1 : missing;
    out[o + 1] = history >= 12 * WEEK ? skipped / prices[base + t - 12 * WEEK]! - 1 : missing;
    out[o + 2] = history >= 26 * WEEK ? skipped / prices[base + t - 26 * WEEK]! - 1 : missing;
    out[o + 3] = history >= 52 * WEEK ? skipped / prices[base + t - 52 * WEEK]! - 1 : missing;
    out[o + 4] = history >= WEEK ? now / skipped - 1 : missing;
    out[o + 5] = history >= 20 ? windowVolatility(logReturnSum, logReturnSquares, t, 20) : missing;
    out[o + 6] = history >= 60 ? windowVolatility(logReturnSum, logReturnSquares, t, 60) : missing;
    if (history >= 119) {
      const recent = (valueSum[t + 1]! - valueSum[t + 1 - 20]!) / 20;
      const longer = (valueSum[t + 1]! - valueSum[t + 1 - 120]!) / 120;
      out[o + 7] = recent > 0 && longer > 0 ? Math.log(recent / longer) : missing;
    }
    out[o + 8] = history >= YEAR - 1 ? now / rollingHigh[t]! - 1 : missing;
  }
}
