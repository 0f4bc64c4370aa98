import { centeredRanks } from './dataset.js';

/** Per-period predictive quality of scores against realised forward returns. */
export interface PeriodMetrics {
  /** Pearson correlation of scores and forward returns. */
  ic: number;
  /** Spearman: Pearson correlation of their ranks. */
  rankIc: number;
  /** Share of names on the same side of the median in score and in return. */
  hitRate: number;
  n: number;
}

export function pearson(a: Float64Array, b: Float64Array, n: number): number {
  if (n < 2) return Number.NaN;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : Number.NaN;
}

export function periodMetrics(scores: Float64Array, returns: Float64Array, n: number): PeriodMetrics {
  if (scratch.length < 3 * n) scratch = new Float64Array(Math.max(3 * n, 2 * scratch.length));
  const scoreRanks = scratch.subarray(0, n);
  const returnRanks = scratch.subarray(n, 2 * n);
  const order = scratch.subarray(2 * n, 3 * n);
  centeredRanks(scores, n, scoreRanks, order);
  centeredRanks(returns, n, returnRanks, order);
  let hits = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const a = scoreRanks[i]!;
    const b = returnRanks[i]!;
    if (a === 0 || b === 0) continue; // exactly at the median: neither side
    counted++;
    if (a > 0 === b > 0) hits++;
  }
  return {
    ic: pearson(scores, returns, n),
    rankIc: pearson(scoreRanks, returnRanks, n),
    hitRate: counted > 0 ? hits / counted : Number.NaN,
    n,
  };
}

// Scratch for the ranks, grown on demand: training scores every week of decades, and three fresh
// arrays per week were a noticeable share of it. Safe because the metrics never yield midway.
let scratch = new Float64Array(3 * 1024);

/** Mean of the finite values, NaN if none. */
export function meanOf(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      sum += value;
      count++;
    }
  }
  return count > 0 ? sum / count : Number.NaN;
}
