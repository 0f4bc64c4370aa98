/**
 * Benchmark: how fast the synthetic market answers quoteAt and bars().
 * Run: npx tsx bench/sim-market/quotes.ts
 * The gateway polls 100 symbols every 250 ms (400 quotes/s) plus one quote per fill.
 */
import { performance } from 'node:perf_hooks';
import { session, tradingDays } from '../../src/calendar/index.js';
import { createSyntheticMarket, defaultInstruments, type Instrument } from '../../src/sim/market/index.js';

function universeOf(size: number): Instrument[] {
  const base = defaultInstruments();
  const result: Instrument[] = [];
  for (let index = 0; index < size; index++) {
    const template = base[index % base.length];
    if (!template) break;
    const suffix = index < base.length ? '' : `${Math.floor(index / base.length)}`;
    result.push({ ...template, symbol: `${template.symbol}${suffix}`, conId: template.conId * 10 + index });
  }
  return result;
}

function measure(label: string, operations: number, run: () => void): void {
  const started = performance.now();
  run();
  const elapsedMs = performance.now() - started;
  const perSecond = Math.round((operations / elapsedMs) * 1000);
  console.log(
    `${label}: ${operations} in ${elapsedMs.toFixed(1)} ms = ${perSecond.toLocaleString('en-US')}/s`,
  );
}

const day = session('2026-11-23');
if (!day) throw new Error('2026-11-23 must be a trading day');
const instruments = universeOf(100);
const market = createSyntheticMarket({ seed: 1, instruments });

measure('cold start: first quote of 100 symbols (history from 2010 + session path)', 100, () => {
  for (const instrument of instruments) market.quoteAt(instrument.symbol, day.openMs + 60_000);
});

const ticks = 4 * 60 * 60; // one hour of 250 ms polling
measure('polling: 100 symbols every 250 ms, one simulated hour', ticks * instruments.length, () => {
  for (let step = 0; step < ticks; step++) {
    const time = day.openMs + 60_000 + step * 250;
    for (const instrument of instruments) market.quoteAt(instrument.symbol, time);
  }
});

measure('random access: one symbol at random instants in the session', 200_000, () => {
  let state = 12_345;
  for (let index = 0; index < 200_000; index++) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    market.quoteAt('AAPL', day.openMs + (state % 23_400_000));
  }
});

measure('bars: 1 year of daily bars', 100, () => {
  for (const instrument of instruments) {
    market.bars(instrument.symbol, {
      endMs: day.closeMs,
      durationSec: 365 * 86_400,
      barSizeSec: 86_400,
      whatToShow: 'TRADES',
      useRth: true,
    });
  }
});

measure('bars: 1 day of 1-minute bars', 100, () => {
  for (const instrument of instruments) {
    market.bars(instrument.symbol, {
      endMs: day.closeMs,
      durationSec: 86_400,
      barSizeSec: 60,
      whatToShow: 'TRADES',
      useRth: true,
    });
  }
});

const sessions = tradingDays('2025-11-24', '2026-11-20').map((day) => session(day));
measure(
  'walk 52 weeks: first quote of each session for 100 symbols',
  sessions.length * instruments.length,
  () => {
    for (const current of sessions) {
      if (!current) continue;
      for (const instrument of instruments) market.quoteAt(instrument.symbol, current.openMs + 1000);
    }
  },
);
