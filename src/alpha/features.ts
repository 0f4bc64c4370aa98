import type { Panel } from './panel.js';

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
 * Returns values laid out as `[(k * nSymbols + s) * FEATURE_COUNT + f]` for row index k.
 */
export function computeFeatures(panel: Panel, rows: Int32Array): Float64Array {
  const nDays = panel.days.length;
  const nSymbols = panel.symbols.length;
  const out = new Float64Array(rows.length * nSymbols * FEATURE_COUNT).fill(Number.NaN);
  const logReturnSum = new Float64Array(nDays + 1);
  const logReturnSquares = new Float64Array(nDays + 1);
  const valueSum = new Float64Array(nDays + 1);
  const rollingHigh = new Float64Array(nDays);
  const deque = new Int32Array(nDays);

  const prices = panel.adjClose;
  const missing = Number.NaN; // a short name for the many "not enough history" branches
  for (let s = 0; s < nSymbols; s++) {
    const base = s * nDays;
    const first = panel.firstRow[s]!;
    if (first >= nDays) continue;

    // Prefix sums give any window's mean and variance in O(1).
    logReturnSum[0] = 0;
    logReturnSquares[0] = 0;
    valueSum[0] = 0;
    let previousPrice = prices[base]!;
    for (let t = 0; t < nDays; t++) {
      const p = prices[base + t]!;
      const r = t > first ? Math.log(p / previousPrice) : 0;
      previousPrice = p;
      logReturnSum[t + 1] = logReturnSum[t]! + r;
      logReturnSquares[t + 1] = logReturnSquares[t]! + r * r;
      valueSum[t + 1] = valueSum[t]! + panel.dollarVolume[base + t]!;
    }
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

    for (let k = 0; k < rows.length; k++) {
      const t = rows[k]!;
      if (t < first || t >= nDays) continue;
      const o = (k * nSymbols + s) * FEATURE_COUNT;
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
  return out;
}
