import { describe, expect, it } from 'vitest';
import { buildPanel, type Panel } from '../../src/alpha/index.js';
import { prepareResearchPanel, prepareSignalResearch } from '../../src/backtest/prepare.js';
import { generateMarket, sectorOf, symbolName } from '../research/fixtures/market.js';

/**
 * A sweep prepares only what its points read (no feature matrix, forward returns or labels), built
 * straight into shared memory for its workers: the values must be those of the full preparation, bit
 * for bit, since a sweep's rows are rerun with it.
 */
const bars = generateMarket({ seed: 5, symbols: 23, days: 900, lateStart: 170 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));

type Column = Float64Array | Int32Array | Uint8Array;
const bytes = (values: Column) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const columns = (panel: Panel) =>
  Object.entries(panel).filter((entry): entry is [string, Column] => ArrayBuffer.isView(entry[1]));

describe('what a sweep prepares', () => {
  it('builds a panel in shared memory equal to the usual one', () => {
    const local = buildPanel(bars);
    const shared = buildPanel(bars, { shared: true });
    expect(shared.symbols).toEqual(local.symbols);
    expect(columns(shared).map(([name]) => name)).toEqual(columns(local).map(([name]) => name));
    for (const [name, values] of columns(shared)) {
      expect(values.buffer, name).toBeInstanceOf(SharedArrayBuffer);
      expect(bytes(values).equals(bytes(local[name as keyof Panel] as Column)), name).toBe(true);
    }
  });

  it.each([1, 3, 5])(
    'gives a point on weekday %i what the full preparation gives, bit for bit',
    (weekday) => {
      const full = prepareResearchPanel(buildPanel(bars), sectors, { weekday });
      for (const shared of [false, true]) {
        const light = prepareSignalResearch(buildPanel(bars, { shared }), sectors, { weekday, shared });
        expect(light.sectors).toEqual(full.sectors);
        expect(light.schedule).toEqual(full.schedule);
        expect(light.dataset.nSymbols).toBe(full.dataset.nSymbols);
        expect(light.dataset.decisionRows).toBe(light.schedule.decisionRows);
        expect(light.dataset.panel).toBe(light.panel);
        expect(Object.keys(light.dataset).sort()).toEqual(['decisionRows', 'eligible', 'nSymbols', 'panel']);
        expect(bytes(light.dataset.eligible).equals(bytes(full.dataset.eligible))).toBe(true);
        expect(bytes(light.volatility).equals(bytes(full.volatility))).toBe(true);
        expect(light.volatility.buffer instanceof SharedArrayBuffer).toBe(shared);
        expect(light.dataset.eligible.buffer instanceof SharedArrayBuffer).toBe(shared);
      }
    },
  );
});
