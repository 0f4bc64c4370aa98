/** Performance statistics of a daily equity series; returns are simple daily returns, risk-free 0. */
export interface PerformanceStats {
  totalReturn: number;
  cagr: number;
  /** Annualised (x sqrt 252). */
  volatility: number;
  sharpe: number;
  sortino: number;
  /** Largest peak-to-trough loss, as a positive fraction. */
  maxDrawdown: number;
}

const TRADING_DAYS = 252;
const DAYS_PER_YEAR = 365.25;

export function drawdownSeries(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]!);
    out[i] = peak > 0 ? equity[i]! / peak - 1 : 0;
  }
  return out;
}

export function performanceStats(equity: Float64Array, days: Int32Array): PerformanceStats {
  const n = equity.length;
  if (n < 2) return { totalReturn: 0, cagr: 0, volatility: 0, sharpe: 0, sortino: 0, maxDrawdown: 0 };
  let sum = 0;
  let squares = 0;
  let downside = 0;
  for (let i = 1; i < n; i++) {
    const r = equity[i]! / equity[i - 1]! - 1;
    sum += r;
    squares += r * r;
    if (r < 0) downside += r * r;
  }
  const count = n - 1;
  const mean = sum / count;
  const variance = count > 1 ? (squares - count * mean * mean) / (count - 1) : 0;
  const volatility = Math.sqrt(Math.max(0, variance) * TRADING_DAYS);
  const downsideDeviation = Math.sqrt((downside / count) * TRADING_DAYS);
  const totalReturn = equity[n - 1]! / equity[0]! - 1;
  const years = (days[n - 1]! - days[0]!) / DAYS_PER_YEAR;
  let maxDrawdown = 0;
  for (const value of drawdownSeries(equity)) maxDrawdown = Math.max(maxDrawdown, -value);
  return {
    totalReturn,
    cagr: years > 0 && totalReturn > -1 ? (1 + totalReturn) ** (1 / years) - 1 : 0,
    volatility,
    sharpe: volatility > 0 ? (mean * TRADING_DAYS) / volatility : 0,
    sortino: downsideDeviation > 0 ? (mean * TRADING_DAYS) / downsideDeviation : 0,
    maxDrawdown,
  };
}
