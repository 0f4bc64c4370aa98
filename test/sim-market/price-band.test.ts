import { describe, expect, it } from 'vitest';
import { session } from '../../src/calendar/index.js';
import {
  createSyntheticMarket,
  defaultInstruments,
  PRICE_BAND,
  referencePriceOf,
  SYNTHETIC_ANCHOR_DAY,
} from '../../src/sim/market/index.js';

/** Seeds beyond the demo's (1): SYNTHETIC_BAND_SEEDS of them, 3 by default. */
const EXTRA_SEEDS = Number(process.env.SYNTHETIC_BAND_SEEDS ?? 3);
const SEEDS = [1, ...Array.from({ length: EXTRA_SEEDS }, (_, index) => 1000 + index)];
const YEARS = 25;
const LAST_DAY = '2035-01-03';

/** The documented band (docs/sim.md, "Price levels"): the reference level grown 5% a year from 2027. */
function centre(reference: number, timeMs: number): number {
  const years = (timeMs - Date.parse('2027-01-01T00:00:00Z')) / (365.25 * 86_400_000);
  return reference * Math.exp(0.05 * years);
}

describe('synthetic price levels', () => {
  const last = session(LAST_DAY);
  if (!last) throw new Error(`${LAST_DAY} must be a trading day`);

  it('gives every default instrument a reference level', () => {
    for (const instrument of defaultInstruments())
      expect(referencePriceOf(instrument.symbol)).toBeGreaterThan(0);
  });

  for (const seed of SEEDS) {
    it(`keeps every default instrument within its band for ${YEARS} years (seed ${seed})`, () => {
      const market = createSyntheticMarket({ seed });
      const outside: string[] = [];
      for (const instrument of market.instruments) {
        const reference = referencePriceOf(instrument.symbol) ?? Number.NaN;
        const bars = market.bars(instrument.symbol, {
          endMs: last.closeMs,
          durationSec: (YEARS + 1) * 365 * 86_400,
          barSizeSec: 86_400,
          whatToShow: 'TRADES',
          useRth: true,
        });
        expect(bars.length).toBeGreaterThan(YEARS * 250);
        expect(new Date(bars[0]?.timeMs ?? 0).toISOString().slice(0, 10) <= SYNTHETIC_ANCHOR_DAY).toBe(true);
        for (const bar of bars) {
          const level = centre(reference, bar.timeMs);
          if (bar.low < level / PRICE_BAND || bar.high > level * PRICE_BAND) {
            outside.push(`${instrument.symbol} ${new Date(bar.timeMs).toISOString().slice(0, 10)}`);
          }
        }
      }
      expect(outside).toEqual([]);
    });
  }
});
