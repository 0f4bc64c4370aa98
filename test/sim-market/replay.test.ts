import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { session, tradingDays } from '../../src/calendar/index.js';
import {
  type BarQuery,
  createReplayMarket,
  createSyntheticMarket,
  defaultInstruments,
  exportDailyBarsAlphaCsv,
} from '../../src/sim/market/index.js';

const DAY_SECONDS = 86_400;
const HEADER = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';

function sessionOf(day: string) {
  const found = session(day);
  if (!found) throw new Error(`${day} is not a trading day`);
  return found;
}

function daily(endMs: number, days: number, whatToShow: BarQuery['whatToShow'] = 'TRADES'): BarQuery {
  return { endMs, durationSec: days * DAY_SECONDS + 1, barSizeSec: DAY_SECONDS, whatToShow, useRth: true };
}

function fixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ibloop-replay-'));
  // Newest first, as Alpha Vantage writes; a 2:1 split on 2020-06-09 shows up in adjusted_close.
  writeFileSync(
    join(dir, 'ACME.csv'),
    [
      HEADER,
      '2020-06-10,51.00,52.50,50.25,52.00,52.00,1200000,0.0000,1.0',
      '2020-06-09,50.50,51.75,49.80,51.20,51.20,1500000,0.0000,2.0',
      '2020-06-08,101.00,103.00,100.10,102.40,51.20,900000,0.0000,1.0',
      '2020-06-05,99.00,101.50,98.75,100.80,50.40,800000,0.0000,1.0',
      'garbage,row',
      '',
    ].join('\n'),
  );
  // Oldest first and gzipped.
  writeFileSync(
    join(dir, 'BETA.csv.gz'),
    gzipSync(
      [
        HEADER,
        '2020-06-08,10.00,10.40,9.90,10.20,10.20,300000,0.0000,1.0',
        '2020-06-09,10.20,10.30,10.01,10.05,10.05,250000,0.0000,1.0',
      ].join('\n'),
    ),
  );
  writeFileSync(join(dir, 'BAD.csv'), '{\n "Error Message": "Invalid API call."\n}');
  writeFileSync(
    join(dir, 'constituents.csv'),
    'Symbol,Name,Sector\nACME,Acme Corp,Industrials\nBETA,Beta Inc,Utilities\n',
  );
  return dir;
}

describe('replay market', () => {
  it('replays daily bars from files in either row order, plain or gzipped', () => {
    const market = createReplayMarket({ dir: fixtureDir() });
    expect(market.instruments.map((instrument) => instrument.symbol)).toEqual(['ACME', 'BAD', 'BETA']);
    expect(market.instrument('ACME')?.sector).toBe('Industrials');
    const bars = market.bars('ACME', daily(sessionOf('2020-06-10').closeMs, 10));
    expect(bars.map((bar) => [bar.open, bar.high, bar.low, bar.close, bar.volume])).toEqual([
      [99, 101.5, 98.75, 100.8, 800000],
      [101, 103, 100.1, 102.4, 900000],
      [50.5, 51.75, 49.8, 51.2, 1500000],
      [51, 52.5, 50.25, 52, 1200000],
    ]);
    expect(market.bars('BETA', daily(sessionOf('2020-06-10').closeMs, 10)).map((bar) => bar.close)).toEqual([
      10.2, 10.05,
    ]);
  });

  it('reports unusable files and rows by name and line but keeps the rest', () => {
    const market = createReplayMarket({ dir: fixtureDir() });
    expect(market.quoteAt('BAD', sessionOf('2020-06-09').openMs)).toBeUndefined();
    market.quoteAt('ACME', sessionOf('2020-06-09').openMs);
    expect(market.problems.some((problem) => /BAD\.csv: not price data/.test(problem))).toBe(true);
    expect(market.problems.some((problem) => /ACME\.csv:6: skipped a malformed row/.test(problem))).toBe(
      true,
    );
  });

  it('scales ADJUSTED_LAST bars by adjusted_close / close', () => {
    const market = createReplayMarket({ dir: fixtureDir() });
    const adjusted = market.bars('ACME', daily(sessionOf('2020-06-10').closeMs, 10, 'ADJUSTED_LAST'));
    expect(adjusted.map((bar) => bar.close)).toEqual([50.4, 51.2, 51.2, 52]);
    expect(adjusted[0]?.open).toBeCloseTo(49.5, 4);
  });

  it('derives intraday paths that match the day and quotes consistent with them', () => {
    const market = createReplayMarket({ dir: fixtureDir(), seed: 9 });
    const day = sessionOf('2020-06-09');
    const minutes = market.bars('ACME', {
      endMs: day.closeMs,
      durationSec: DAY_SECONDS,
      barSizeSec: 60,
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(minutes).toHaveLength(390);
    expect(minutes[0]?.open).toBe(50.5);
    expect(minutes.at(-1)?.close).toBe(51.2);
    expect(Math.max(...minutes.map((bar) => bar.high))).toBe(51.75);
    expect(Math.min(...minutes.map((bar) => bar.low))).toBe(49.8);
    expect(minutes.reduce((sum, bar) => sum + bar.volume, 0)).toBe(1_500_000);
    const quote = market.quoteAt('ACME', day.openMs + 3_600_000);
    // 2:1 split that day: the prior close (102.40) is shown in post-split terms.
    expect(quote?.close).toBe(51.2);
    expect(market.quoteAt('ACME', sessionOf('2020-06-10').openMs + 1000)?.close).toBe(51.2);
    expect(quote?.open).toBe(50.5);
    // Before the first row there is no data; a day missing from the file shows the last close.
    expect(market.quoteAt('ACME', sessionOf('2020-06-04').openMs + 1000)).toBeUndefined();
    expect(market.quoteAt('BETA', sessionOf('2020-06-10').openMs + 1000)?.last).toBe(10.05);
  });

  it('is deterministic for a seed', () => {
    const dir = fixtureDir();
    const time = sessionOf('2020-06-09').openMs + 12_345_000;
    expect(createReplayMarket({ dir, seed: 1 }).quoteAt('ACME', time)).toEqual(
      createReplayMarket({ dir, seed: 1 }).quoteAt('ACME', time),
    );
  });

  it('fails clearly for a missing folder', () => {
    expect(() => createReplayMarket({ dir: '/nonexistent/replay' })).toThrow(/not found/);
  });
});

describe('exporting Alpha Vantage CSVs', () => {
  it('writes newest-first CSVs that replay to the same daily bars', () => {
    const instruments = defaultInstruments().filter((instrument) =>
      ['AAPL', 'XOM'].includes(instrument.symbol),
    );
    const synthetic = createSyntheticMarket({ seed: 21, instruments });
    const dir = mkdtempSync(join(tmpdir(), 'ibloop-export-'));
    exportDailyBarsAlphaCsv(synthetic, dir, '2026-10-01', '2026-11-20');
    const lines = readFileSync(join(dir, 'AAPL.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines[1]?.startsWith('2026-11-20,')).toBe(true);
    expect(lines.at(-1)?.startsWith('2026-10-01,')).toBe(true);
    expect(lines).toHaveLength(1 + tradingDays('2026-10-01', '2026-11-20').length);

    const replay = createReplayMarket({ dir, instruments });
    const query = daily(sessionOf('2026-11-20').closeMs, 60);
    for (const symbol of ['AAPL', 'XOM']) {
      const original = synthetic
        .bars(symbol, query)
        .filter((bar) => bar.timeMs >= sessionOf('2026-10-01').openMs);
      const replayed = replay.bars(symbol, query);
      expect(replayed.map((bar) => [bar.timeMs, bar.open, bar.high, bar.low, bar.close, bar.volume])).toEqual(
        original.map((bar) => [bar.timeMs, bar.open, bar.high, bar.low, bar.close, bar.volume]),
      );
    }
    expect(replay.problems).toEqual([]);
  });

  it('rejects an empty or malformed range', () => {
    const synthetic = createSyntheticMarket({ seed: 1 });
    expect(() => exportDailyBarsAlphaCsv(synthetic, tmpdir(), '2026-11-20', '2026-11-01')).toThrow(/empty/);
    expect(() => exportDailyBarsAlphaCsv(synthetic, tmpdir(), '2026-13-01', '2026-11-01')).toThrow();
  });
});
