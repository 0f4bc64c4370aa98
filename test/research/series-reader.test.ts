import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanel } from '../../src/alpha/index.js';
import { prepareResearch } from '../../src/backtest/index.js';
import { systemClock } from '../../src/core/clock.js';
import { AlphaBarStore } from '../../src/sources/alpha/index.js';
import { generateMarket, sectorOf, symbolName } from './fixtures/market.js';

/**
 * The research store's panel reader (only the panel's columns, one symbol at a time into a reused
 * buffer) builds the very panel and dataset that full bars give, bit for bit, and refuses a damaged file.
 */
const bars = generateMarket({ seed: 5, symbols: 12, days: 700, lateStart: 90 });
const sectors = Object.fromEntries(bars.map((_, i) => [symbolName(i), { sector: sectorOf(i) }]));
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ibloop-series-reader-'));
  const store = new AlphaBarStore(root, systemClock);
  for (const series of bars) await store.put(series, `${series.symbol}.csv`);
  await store.flush();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('priceSeriesReader', () => {
  it('gives the panel and the dataset of full bars, bit for bit', async () => {
    const store = new AlphaBarStore(root, systemClock);
    const reader = await store.priceSeriesReader();
    const full = buildPanel(await store.loadMany());
    expect(buildPanel(reader)).toEqual(full);
    const fromReader = prepareResearch(reader, sectors, { weekday: 3 });
    const fromBars = prepareResearch(await store.loadMany(), sectors, { weekday: 3 });
    expect(fromReader.dataset.raw).toEqual(fromBars.dataset.raw);
    expect(fromReader.dataset.normalized).toEqual(fromBars.dataset.normalized);
    expect(fromReader.dataset.label).toEqual(fromBars.dataset.label);
    // A subset, given in any order, comes back sorted.
    const subset = await store.priceSeriesReader(['S003', 'S001']);
    expect(subset.symbols).toEqual(['S001', 'S003']);
    expect(Array.from(subset.series(1).adjustedClose)).toEqual(Array.from(bars[3]!.adjustedClose));
  });

  it('refuses a truncated file and an unknown symbol, naming them', async () => {
    const store = new AlphaBarStore(root, systemClock);
    await expect(store.priceSeriesReader(['NOPE'])).rejects.toThrow(/NOPE is not in the research store/);
    const file = path.join(root, 'alpha', 'bars', 'S002.bin');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 8));
    try {
      await expect(new AlphaBarStore(root, systemClock).priceSeriesReader()).rejects.toThrow(
        /S002\.bin: truncated or corrupt/,
      );
    } finally {
      await writeFile(file, bytes);
    }
  });
});
