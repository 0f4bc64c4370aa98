import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPanel, weeklySchedule } from '../../src/alpha/index.js';
import { restrictToMembership, runBacktest } from '../../src/backtest/index.js';
import {
  type AlphaBars,
  formatDay,
  makeAlphaBars,
  parseAlphaCsv,
  parseDay,
} from '../../src/sources/alpha/index.js';

/** Weekdays from `from` to `to` with the given unadjusted open/close and adjusted close per day. */
function series(
  symbol: string,
  from: string,
  to: string,
  bar: (day: string, i: number) => { open: number; close: number; adjustedClose: number; split?: number },
): AlphaBars {
  const days: number[] = [];
  for (let day = parseDay(from)!; day <= parseDay(to)!; day++) {
    const weekday = new Date(day * 86_400_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(day);
  }
  const rows = days.map((day, i) => bar(formatDay(day), i));
  const column = (pick: (row: (typeof rows)[number]) => number) => Float64Array.from(rows, pick);
  return makeAlphaBars(symbol, {
    days: Int32Array.from(days),
    open: column((r) => r.open),
    high: column((r) => Math.max(r.open, r.close)),
    low: column((r) => Math.min(r.open, r.close)),
    close: column((r) => r.close),
    adjustedClose: column((r) => r.adjustedClose),
    volume: column(() => 1_000_000),
    dividend: column(() => 0),
    splitCoefficient: column((r) => r.split ?? 1),
  });
}

/** Scores of 1 for every listed symbol from the decision whose rebalance day is `from` on. */
function scoresFrom(bars: AlphaBars[], from: string, weekday = 2) {
  const panel = buildPanel(bars);
  const schedule = weeklySchedule(panel, { weekday });
  const n = panel.symbols.length;
  const scores = new Float64Array(schedule.decisionRows.length * n).fill(Number.NaN);
  for (let k = 0; k < schedule.tradeRows.length; k++) {
    if (formatDay(panel.days[schedule.tradeRows[k]!]!) < from) continue;
    for (let s = 0; s < n; s++) scores[k * n + s] = n - s;
  }
  return { panel, schedule, scores };
}

// AAPL around 2002-02-12 as Alpha Vantage has it: $24.66 open, $24.71 close, adjusted close $0.38
// (splits of 2, 7 and 4 and two decades of dividends later).
const AAPL_2002 = { open: 24.66, close: 24.71, adjustedClose: 0.380027666217 };

describe('costs on real shares', () => {
  it('books the 2002-02-12 AAPL buy in real shares at the real price with the real commission', () => {
    const ratio = AAPL_2002.adjustedClose / AAPL_2002.close;
    const aapl = series('AAPL', '2002-01-02', '2002-03-01', () => AAPL_2002);
    const { panel, schedule, scores } = scoresFrom([aapl], '2002-02-12');
    const result = runBacktest(
      { panel, schedule, scores },
      { initialCash: 1_000_000, construction: { topN: 1, maxWeight: 0.0564124, cashBuffer: 0 } },
    );
    const first = result.rebalances[0]!;
    expect(first.date).toBe('2002-02-12');
    expect(first.trades).toHaveLength(1);
    const trade = first.trades[0]!;
    // $56,412 sized at the $24.66 open: 2,287 real shares, not 148,7xx adjusted units at $0.379.
    expect(trade.quantity).toBe(2287);
    expect(trade.price).toBeCloseTo(24.66 * 1.0005, 10);
    expect(trade.commission).toBeCloseTo(2287 * 0.005, 10); // $11.44, not the $564 1% cap
    expect(first.holdings).toEqual([{ symbol: 'AAPL', shares: 2287, weight: expect.any(Number) }]);
    // Returns stay on adjusted prices: the position is worth the same in either unit.
    const value = 2287 * AAPL_2002.close;
    expect(result.equity[result.days.indexOf('2002-02-12')]).toBeCloseTo(
      1_000_000 - 2287 * trade.price - trade.commission + value,
      6,
    );
    expect(panel.adjFactor[panel.days.length - 1]).toBeCloseTo(ratio, 15);
  });

  it('lots round real shares, and a split doubles the shares held', () => {
    // A 2:1 split on 2005-02-28: the unadjusted price halves, the adjusted one does not move.
    const bars = series('AAPL', '2005-01-03', '2005-03-31', (day) =>
      day < '2005-02-28'
        ? { open: 89, close: 89, adjustedClose: 1.37 }
        : { open: 44.5, close: 44.5, adjustedClose: 1.37, split: day === '2005-02-28' ? 2 : 1 },
    );
    const { panel, schedule, scores } = scoresFrom([bars], '2005-02-01');
    const result = runBacktest(
      { panel, schedule, scores },
      { lotSize: 100, slippageBps: 0, construction: { topN: 1, maxWeight: 0.05, cashBuffer: 0 } },
    );
    const before = result.rebalances.find((r) => r.date === '2005-02-22')!;
    const after = result.rebalances.find((r) => r.date === '2005-03-01')!;
    expect(result.rebalances[0]!.trades[0]!.quantity).toBe(500); // $50,000 / $89 = 561 -> 5 lots
    expect(before.holdings[0]!.shares).toBe(500);
    // 1,000 shares after the split; the target (50,000 / 44.5 = 1,123) rounds to 1,100: a lot is bought.
    expect(after.trades).toEqual([{ symbol: 'AAPL', quantity: 100, price: 44.5, commission: 1 }]);
    expect(after.holdings[0]!.shares).toBe(1100);
  });

  const AAPL_FILE = '/work/shared/data/alpha-sp500/daily_adjusted/AAPL.csv.gz';
  it.skipIf(!existsSync(AAPL_FILE))('the same trade on the real AAPL file', () => {
    const text = gunzipSync(readFileSync(AAPL_FILE)).toString('utf8');
    const aapl = parseAlphaCsv(text, AAPL_FILE, 'AAPL');
    const { panel, schedule, scores } = scoresFrom([aapl], '2002-02-12');
    const result = runBacktest(
      { panel, schedule, scores },
      { end: '2002-03-01', construction: { topN: 1, maxWeight: 0.0564124, cashBuffer: 0 } },
    );
    const trade = result.rebalances[0]!.trades[0]!;
    expect(result.rebalances[0]!.date).toBe('2002-02-12');
    expect(trade.quantity).toBe(2287);
    expect(trade.commission).toBeLessThan(12);
  });
});

describe('names that stop trading', () => {
  it('a holding whose bars end is sold at its last close, listed in the exits and the stats', () => {
    const flat = (price: number) => () => ({ open: price, close: price, adjustedClose: price });
    const staying = series('KEEP', '2020-01-01', '2020-03-31', flat(50));
    const leaving = series('GONE', '2020-01-01', '2020-02-19', (_day, i) => ({
      open: 20 + i * 0.1,
      close: 20 + i * 0.1,
      adjustedClose: 20 + i * 0.1,
    }));
    const { panel, schedule, scores } = scoresFrom([staying, leaving], '2020-01-14');
    const result = runBacktest(
      { panel, schedule, scores },
      { construction: { topN: 2, maxWeight: 0.5, cashBuffer: 0 } },
    );
    const lastClose = leaving.close[leaving.length - 1]!;
    const held = result.rebalances
      .filter((r) => r.date <= '2020-02-19')
      .at(-1)!
      .holdings.find((h) => h.symbol === 'GONE')!.shares;
    expect(held).toBeGreaterThan(0);
    expect(result.exits).toEqual([
      {
        date: '2020-02-19',
        symbol: 'GONE',
        quantity: -held,
        price: lastClose * (1 - 0.0005),
        commission: expect.closeTo(Math.max(1, held * 0.005), 10),
      },
    ]);
    expect(result.stats.exits).toBe(1);
    for (const rebalance of result.rebalances.filter((r) => r.date > '2020-02-19')) {
      expect(rebalance.holdings.map((h) => h.symbol)).toEqual(['KEEP']);
      expect(rebalance.trades.every((t) => t.symbol === 'KEEP')).toBe(true);
    }
    // From the exit on, the money is in cash (and KEEP, flat): the equity stops moving with GONE.
    const exitIndex = result.days.indexOf('2020-02-19');
    expect(result.equity[exitIndex + 1]).toBe(result.equity[exitIndex + 2]);
  });
});

describe('point-in-time universe', () => {
  it('holds a theme member only within its membership days', () => {
    const flat = (price: number) => () => ({ open: price, close: price, adjustedClose: price });
    const a = series('AAA', '2020-01-01', '2020-04-30', flat(10));
    const b = series('BBB', '2020-01-01', '2020-04-30', flat(20));
    const { panel, schedule, scores } = scoresFrom([a, b], '2020-01-07');
    const masked = restrictToMembership(scores, panel, schedule, {
      BBB: { from: '2020-02-01', to: '2020-03-15' },
    });
    const result = runBacktest(
      { panel, schedule, scores: masked },
      { construction: { topN: 2, maxWeight: 0.5, cashBuffer: 0 } },
    );
    for (const rebalance of result.rebalances) {
      const member = rebalance.decisionDate >= '2020-02-01' && rebalance.decisionDate <= '2020-03-15';
      expect(rebalance.holdings.some((h) => h.symbol === 'BBB')).toBe(member);
    }
    // Leaving the universe sells the holding at the next rebalance.
    const leaving = result.rebalances.find((r) => r.decisionDate > '2020-03-15')!;
    expect(leaving.trades.find((t) => t.symbol === 'BBB')!.quantity).toBeLessThan(0);
  });
});
