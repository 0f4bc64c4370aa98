import { describe, expect, it } from 'vitest';
import { walkForward } from '../../src/alpha/index.js';
import {
  type BacktestResult,
  equityCsv,
  holdingsCsv,
  prepareResearch,
  runBacktest,
  tradesCsv,
} from '../../src/backtest/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

/**
 * The CSV exports, byte for byte: every row as fields, strings quoted when they hold a quote, comma or
 * newline, numbers as JavaScript prints them, trades and exits in date order (a day's trades first).
 */
function reference(rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number) =>
    typeof value === 'number'
      ? String(value)
      : /[",\n]/.test(value)
        ? `"${value.replace(/"/g, '""')}"`
        : value;
  return `${rows.map((row) => row.map(field).join(',')).join('\n')}\n`;
}

const bars = generateMarket({ seed: 5, symbols: 12, days: 400, lateStart: 100 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const research = prepareResearch(bars, sectors);
const { scores } = walkForward(research.dataset, {
  family: 'rule',
  params: {},
  seed: 1,
  retrainEvery: 52,
  trainWindow: 0,
  minTrainPeriods: 0,
});
const simulated = runBacktest(
  {
    panel: research.panel,
    schedule: research.schedule,
    scores,
    sectors: research.sectors,
    volatility: research.volatility,
  },
  { construction: { topN: 4 } },
);

// Exits on rebalance days and symbols that need quoting, so the merge order and the quoting are both
// exercised.
const middle = simulated.rebalances[Math.floor(simulated.rebalances.length / 2)]!;
const result: BacktestResult = {
  ...simulated,
  rebalances: simulated.rebalances.map((r, i) =>
    i === 1
      ? {
          ...r,
          trades: [{ ...r.trades[0]!, symbol: 'BRK,B' }, ...r.trades.slice(1)],
          holdings: [{ ...r.holdings[0]!, symbol: 'SAY "HI"' }, ...r.holdings.slice(1)],
        }
      : r,
  ),
  // Listed latest first: the export orders them by date, each after the trades of its day.
  exits: [
    { date: middle.date, symbol: 'GONE', quantity: -120, price: 12.345, commission: 1 },
    { date: simulated.rebalances[0]!.date, symbol: 'EARLY', quantity: -3, price: 0.1 + 0.2, commission: 1 },
  ],
};

describe('backtest CSV exports', () => {
  it('trades: rebalance trades and exits by date, a day’s trades before its exits, as fields', () => {
    const rows = [
      ...result.rebalances.flatMap((r) =>
        r.trades.map((t) => [r.date, t.symbol, t.quantity, t.price, t.commission, 'rebalance']),
      ),
      ...result.exits.map((e) => [e.date, e.symbol, e.quantity, e.price, e.commission, 'stopped-trading']),
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    const text = tradesCsv(result);
    expect(text).toBe(reference([['date', 'symbol', 'quantity', 'price', 'commission', 'reason'], ...rows]));
    expect(text).toContain('"BRK,B"');
    expect(text).toContain(',GONE,-120,12.345,1,stopped-trading\n');
  });

  it('holdings and equity, as fields', () => {
    expect(holdingsCsv(result)).toBe(
      reference([
        ['date', 'symbol', 'shares', 'weight'],
        ...result.rebalances.flatMap((r) => r.holdings.map((h) => [r.date, h.symbol, h.shares, h.weight])),
      ]),
    );
    expect(holdingsCsv(result)).toContain('"SAY ""HI"""');
    expect(equityCsv(result)).toBe(
      reference([
        ['date', 'equity', 'benchmark', 'drawdown'],
        ...result.days.map((day, i) => [
          day,
          result.equity[i]!,
          result.benchmarkEquity[i]!,
          result.drawdown[i]!,
        ]),
      ]),
    );
  });
});
