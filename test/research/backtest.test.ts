import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPanel, walkForward } from '../../src/alpha/index.js';
import {
  exportBacktest,
  FileBacktestStore,
  ibCommission,
  parseBacktestResult,
  prepareResearch,
  resultHash,
  resultHashHex,
  runBacktest,
} from '../../src/backtest/index.js';
import { formatDay } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

const bars = generateMarket({ seed: 21, symbols: 25, days: 700, lateStart: 150 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
const research = prepareResearch(bars, sectors);
const rule = walkForward(research.dataset, {
  family: 'rule',
  params: {},
  seed: 1,
  retrainEvery: 52,
  trainWindow: 0,
  minTrainPeriods: 0,
});
const input = {
  panel: research.panel,
  schedule: research.schedule,
  scores: rule.scores,
  sectors: research.sectors,
  volatility: research.volatility,
};

describe('IB-like commission', () => {
  it('charges $0.005 per share, at least $1, at most 1% of value', () => {
    const commission = ibCommission({ perShare: 0.005, minimum: 1, maxFraction: 0.01 });
    expect(commission(100, 50)).toBe(1);
    expect(commission(1000, 50)).toBe(5);
    expect(commission(1000, 0.2)).toBeCloseTo(2, 12);
  });
});

describe('backtest engine', () => {
  it('keeps the data-source boundary: IB data can build a panel but never feeds a backtest', () => {
    const ibSeries = bars.map((series) => ({ ...series, source: 'ib' as const }));
    const ibPanel = buildPanel(ibSeries);
    expect(ibPanel.source).toBe('ib');
    expect(() => runBacktest({ ...input, panel: ibPanel })).toThrow(/Alpha research data only/);
    expect(() => buildPanel([bars[0]!, ibSeries[1]!])).toThrow(/never mix sources/);
    expect(runBacktest(input).dataSource).toBe('alpha');
  });

  it('applies a plugged-in risk stage between construction and sizing', () => {
    const config = { construction: { topN: 4, maxWeight: 0.3, cashBuffer: 0 } };
    const capAtTen = {
      adjustWeights: ({ weights }: { weights: Float64Array }) => weights.map((w) => Math.min(w, 0.1)),
    };
    const plain = runBacktest(input, config);
    const limited = runBacktest({ ...input, risk: capAtTen }, config);
    expect(Math.max(...plain.rebalances[0]!.holdings.map((h) => h.weight))).toBeGreaterThan(0.2);
    for (const rebalance of limited.rebalances) {
      for (const holding of rebalance.holdings) expect(holding.weight).toBeLessThan(0.1 * 1.05);
    }
  });

  it('is reproducible bit for bit', () => {
    const config = { construction: { topN: 5, maxWeight: 0.25 } };
    const a = runBacktest(input, config);
    const b = runBacktest(input, config);
    expect(resultHash(a)).toBe(resultHash(b));
    expect(resultHash(runBacktest(input, { ...config, slippageBps: 6 }))).not.toBe(resultHash(a));
  });

  it('decides on the previous close and trades at the open, never holding more than the cash allows', () => {
    const result = runBacktest(input, { construction: { topN: 5, maxWeight: 0.25 }, slippageBps: 10 });
    const first = result.rebalances[0]!;
    expect(first.date > first.decisionDate).toBe(true);
    expect(first.trades.every((trade) => trade.quantity > 0)).toBe(true);
    expect(first.holdings.length).toBe(5);
    // Decision k picks the top 5 scores known at its close.
    const n = research.panel.symbols.length;
    const days = Array.from(research.schedule.decisionRows, (row) => formatDay(research.panel.days[row]!));
    const k = days.indexOf(first.decisionDate);
    expect(k).toBeGreaterThan(20); // the rule needs 26 weeks of history before its first score
    const scores = Array.from(rule.scores.subarray(k * n, (k + 1) * n));
    const top = scores
      .map((score, s) => [score, s] as const)
      .filter(([score]) => !Number.isNaN(score))
      .sort((x, y) => y[0] - x[0] || x[1] - y[1])
      .slice(0, 5)
      .map(([, s]) => research.panel.symbols[s])
      .sort();
    expect(first.holdings.map((h) => h.symbol).sort()).toEqual(top);
    for (const rebalance of result.rebalances) {
      const invested = rebalance.holdings.reduce((a, h) => a + h.weight, 0);
      expect(invested).toBeLessThanOrEqual(1 + 1e-9);
      expect(Math.max(...rebalance.holdings.map((h) => h.weight))).toBeLessThan(0.26);
      for (const h of rebalance.holdings) expect(Number.isInteger(h.shares)).toBe(true);
    }
    expect(result.stats.totalCommission).toBeGreaterThan(0);
    expect(result.equity.length).toBe(result.days.length);
    expect(Math.min(...result.drawdown)).toBeCloseTo(-result.stats.maxDrawdown, 12);
  });

  it('costs reduce returns, and trading at the close differs from the open', () => {
    const free = runBacktest(input, {
      slippageBps: 0,
      commission: { perShare: 0, minimum: 0, maxFraction: 0 },
    });
    const costly = runBacktest(input, { slippageBps: 50 });
    expect(costly.equity.at(-1)!).toBeLessThan(free.equity.at(-1)!);
    const atClose = runBacktest(input, { tradeAt: 'close' });
    expect(atClose.equity.at(-1)).not.toBe(runBacktest(input).equity.at(-1));
  });

  it('the equal-weight benchmark holds the whole tradable universe', () => {
    const result = runBacktest(input);
    expect(result.benchmark.totalReturn).not.toBe(result.stats.totalReturn);
    expect(result.benchmarkEquity[0]).toBe(result.config.initialCash);
    expect(Object.keys(result.sectorExposure).sort()).toEqual([
      'Energy',
      'Finance',
      'Health',
      'Tech',
      'Utilities',
    ]);
  });

  it('reports monthly returns that compound to the total return, and sector weights per rebalance', () => {
    const result = runBacktest(input, { construction: { topN: 5, sectorCap: 0.5 } });
    const compounded = result.monthly.reduce((value, month) => value * (1 + month.strategy), 1) - 1;
    expect(compounded).toBeCloseTo(result.stats.totalReturn, 9);
    const benchmark = result.monthly.reduce((value, month) => value * (1 + month.benchmark), 1) - 1;
    expect(benchmark).toBeCloseTo(result.benchmark.totalReturn, 9);
    expect(result.monthly[0]!.month).toBe(result.start.slice(0, 7));
    for (const rebalance of result.rebalances) {
      const total = Object.values(rebalance.sectors).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(
        rebalance.holdings.reduce((a, h) => a + h.weight, 0),
        12,
      );
      for (const weight of Object.values(rebalance.sectors)) expect(weight).toBeLessThan(0.5 + 0.02);
    }
  });

  it('stores results by content hash and reads them back through the schema', async () => {
    const result = runBacktest(input, { construction: { topN: 4 }, modelVersion: 'm2' });
    const dir = await mkdtemp(path.join(tmpdir(), 'ibloop-bt-store-'));
    try {
      const store = new FileBacktestStore(dir);
      const id = await store.save(result);
      expect(await store.save(result)).toBe(id);
      // Named by the hash's digits, without its version prefix.
      expect(id).toBe(resultHashHex(resultHash(result)).slice(0, 16));
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      const loaded = await store.load(id);
      expect(resultHash(loaded)).toBe(resultHash(result));
      expect(await store.list()).toEqual([
        expect.objectContaining({ id, modelVersion: 'm2', cagr: result.stats.cagr }),
      ]);
      expect(() => parseBacktestResult({ ...result, equity: 'x' })).toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exports CSV files of equity, trades and holdings', async () => {
    const result = runBacktest(input, {
      construction: { topN: 3 },
      modelVersion: 'm1',
      projectVersion: 'p1',
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'ibloop-bt-'));
    try {
      await exportBacktest(result, dir);
      const trades = (await readFile(path.join(dir, 'trades.csv'), 'utf8')).trim().split('\n');
      expect(trades[0]).toBe('date,symbol,quantity,price,commission,reason');
      expect(trades.length - 1).toBe(result.rebalances.reduce((a, r) => a + r.trades.length, 0));
      const summary = await readFile(path.join(dir, 'summary.csv'), 'utf8');
      expect(summary).toContain('model_version,m1');
      const equity = (await readFile(path.join(dir, 'equity.csv'), 'utf8')).trim().split('\n');
      expect(equity.length - 1).toBe(result.days.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
