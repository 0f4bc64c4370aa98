/**
 * Prints the synthetic market's stylised facts so parameter changes can be judged at a glance:
 * annualised volatility, average pairwise correlation within and across sectors, daily range,
 * overnight gap size, volatility clustering and the quoted spread.
 * Run: npx tsx bench/sim-market/realism.ts [seed]
 */
import { session } from '../../src/calendar/index.js';
import { createSyntheticMarket } from '../../src/sim/market/index.js';

const seed = Number(process.argv[2] ?? 1);
const market = createSyntheticMarket({ seed });
const lastSession = session('2026-11-20');
if (!lastSession) throw new Error('2026-11-20 must be a trading day');
const query = {
  endMs: lastSession.closeMs,
  durationSec: 5 * 365 * 86_400,
  barSizeSec: 86_400,
  whatToShow: 'TRADES',
  useRth: true,
} as const;

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
function correlation(left: number[], right: number[]): number {
  const meanLeft = mean(left);
  const meanRight = mean(right);
  let covariance = 0;
  let varianceLeft = 0;
  let varianceRight = 0;
  for (let index = 0; index < left.length; index++) {
    const dl = (left[index] ?? 0) - meanLeft;
    const dr = (right[index] ?? 0) - meanRight;
    covariance += dl * dr;
    varianceLeft += dl * dl;
    varianceRight += dr * dr;
  }
  return covariance / Math.sqrt(varianceLeft * varianceRight);
}

const returns = new Map<string, number[]>();
const vols: number[] = [];
const ranges: number[] = [];
const gaps: number[] = [];
const clustering: number[] = [];
for (const instrument of market.instruments) {
  const bars = market.bars(instrument.symbol, query);
  const daily = bars.slice(1).map((bar, index) => Math.log(bar.close / (bars[index]?.close ?? bar.close)));
  returns.set(instrument.symbol, daily);
  const average = mean(daily);
  vols.push(Math.sqrt(mean(daily.map((value) => (value - average) ** 2)) * 252));
  ranges.push(mean(bars.map((bar) => (bar.high - bar.low) / bar.close)));
  gaps.push(
    mean(bars.slice(1).map((bar, index) => Math.abs(bar.open / (bars[index]?.close ?? bar.open) - 1))),
  );
  const squared = daily.map((value) => value * value);
  clustering.push(correlation(squared.slice(1), squared.slice(0, -1)));
}
let within = 0;
let withinCount = 0;
let across = 0;
let acrossCount = 0;
const instruments = market.instruments;
for (let a = 0; a < instruments.length; a++) {
  for (let b = a + 1; b < instruments.length; b++) {
    const left = instruments[a];
    const right = instruments[b];
    if (!left || !right) continue;
    const value = correlation(returns.get(left.symbol) ?? [], returns.get(right.symbol) ?? []);
    if (left.sector === right.sector) {
      within += value;
      withinCount++;
    } else {
      across += value;
      acrossCount++;
    }
  }
}
vols.sort((left, right) => left - right);
const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;
console.log(`seed ${seed}, ${instruments.length} symbols, 5 years of daily bars to ${lastSession.day}`);
console.log(
  `annualised volatility: min ${percent(vols[0] ?? 0)}, median ${percent(vols[vols.length >> 1] ?? 0)}, max ${percent(vols.at(-1) ?? 0)}`,
);
console.log(
  `average pairwise correlation: same sector ${(within / withinCount).toFixed(2)}, across sectors ${(across / acrossCount).toFixed(2)}`,
);
console.log(`average daily range ${percent(mean(ranges))}, average overnight |gap| ${percent(mean(gaps))}`);
console.log(
  `lag-1 autocorrelation of squared returns (volatility clustering): ${mean(clustering).toFixed(3)}`,
);
const spreads: number[] = [];
for (const instrument of instruments) {
  for (let minute = 1; minute < 390; minute += 7) {
    const quote = market.quoteAt(instrument.symbol, lastSession.openMs + minute * 60_000 + 500);
    if (quote) spreads.push((quote.ask - quote.bid) / ((quote.ask + quote.bid) / 2));
  }
}
console.log(`average quoted spread ${(mean(spreads) * 10_000).toFixed(2)} bps`);
