import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { ibHoursString } from '../../calendar/index.js';
import { type DailyRecord, type DailySeries, indexAtOrBefore } from './daily.js';
import { defaultInstruments, derivedConId } from './instruments.js';
import { PathMarket } from './path-market.js';
import { hashString, unitFromKey } from './random.js';
import type { Instrument, MarketModel } from './types.js';

export interface ReplayMarketOptions {
  /** Folder with one Alpha Vantage daily-adjusted CSV per symbol: `SYMBOL.csv` or `SYMBOL.csv.gz`. */
  dir: string;
  /** Defaults to every symbol with a file in `dir` (sectors from a `constituents.csv` beside it). */
  instruments?: Instrument[];
  /** Seeds the derived intraday paths; defaults to 0. */
  seed?: number;
}

export interface ReplayMarketModel extends MarketModel {
  /** Files or rows that could not be used, each naming the file (and line); the rest still replay. */
  readonly problems: readonly string[];
}

const EXPECTED_COLUMNS = [
  'timestamp',
  'open',
  'high',
  'low',
  'close',
  'adjusted_close',
  'volume',
  'dividend_amount',
  'split_coefficient',
];

class ReplaySeries implements DailySeries {
  constructor(private readonly records: DailyRecord[]) {}

  indexAtOrBefore(day: string): number {
    return indexAtOrBefore(this.records, day);
  }

  record(index: number): DailyRecord {
    const found = this.records[index];
    if (!found) throw new Error(`no replay record ${index}`);
    return found;
  }
}

function fileFor(dir: string, symbol: string): string | undefined {
  for (const name of [`${symbol}.csv`, `${symbol}.csv.gz`]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function readText(path: string): string {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
}

function roundToTick(price: number, tick: number): number {
  const factor = 10 ** Math.max(0, Math.ceil(-Math.log10(tick) - 1e-9));
  return Math.round(Math.max(1, Math.round(price / tick)) * tick * factor) / factor;
}

/** Parses one Alpha Vantage CSV (either row order) into day-ordered records rounded to the tick. */
export function parseAlphaVantageCsv(
  path: string,
  text: string,
  tick: number,
  problems: string[],
): DailyRecord[] {
  if (/^\s*[{[]/.test(text)) {
    problems.push(`${path}: not price data (looks like an Alpha Vantage error response)`);
    return [];
  }
  let rows: string[][];
  try {
    rows = parseCsv(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true });
  } catch (error) {
    problems.push(`${path}: invalid CSV: ${(error as Error).message}`);
    return [];
  }
  const header = rows[0]?.map((cell) => cell.toLowerCase());
  if (!header || EXPECTED_COLUMNS.some((column, index) => header[index] !== column)) {
    problems.push(`${path}:1: expected the header ${EXPECTED_COLUMNS.join(',')}`);
    return [];
  }
  const byDay = new Map<string, DailyRecord>();
  rows.slice(1).forEach((cells, offset) => {
    const line = offset + 2;
    const [day, ...numbers] = cells;
    const values = numbers.map(Number);
    if (
      !day ||
      !/^\d{4}-\d{2}-\d{2}$/.test(day) ||
      values.length < 8 ||
      values.some((v) => !Number.isFinite(v))
    ) {
      problems.push(`${path}:${line}: skipped a malformed row`);
      return;
    }
    const [open = 0, high = 0, low = 0, close = 0, adjustedClose = 0, volume = 0, dividend = 0, split = 1] =
      values;
    if (close <= 0 || open <= 0 || high <= 0 || low <= 0) {
      problems.push(`${path}:${line}: skipped a row with a non-positive price`);
      return;
    }
    const roundedOpen = roundToTick(open, tick);
    const roundedClose = roundToTick(close, tick);
    byDay.set(day, {
      day,
      open: roundedOpen,
      high: Math.max(roundToTick(high, tick), roundedOpen, roundedClose),
      low: Math.min(roundToTick(low, tick), roundedOpen, roundedClose),
      close: roundedClose,
      volume: Math.max(0, Math.round(volume)),
      adjustment: adjustedClose > 0 ? adjustedClose / close : 1,
      dividend,
      split: split > 0 ? split : 1,
    });
  });
  return [...byDay.values()].sort((left, right) =>
    left.day < right.day ? -1 : left.day > right.day ? 1 : 0,
  );
}

/** Reads `Symbol,Name,Sector` rows from a constituents.csv in the folder or its parent, if present. */
function readConstituents(dir: string): Map<string, { name: string; sector: string }> {
  const result = new Map<string, { name: string; sector: string }>();
  for (const candidate of [join(dir, 'constituents.csv'), join(dirname(dir), 'constituents.csv')]) {
    if (!existsSync(candidate)) continue;
    const rows: Record<string, string>[] = parseCsv(readFileSync(candidate, 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
    for (const row of rows) {
      if (row.Symbol)
        result.set(row.Symbol.toUpperCase(), {
          name: row.Name ?? row.Symbol,
          sector: row.Sector ?? 'Unknown',
        });
    }
    break;
  }
  return result;
}

function instrumentsFromDir(dir: string): Instrument[] {
  const constituents = readConstituents(dir);
  const symbols = readdirSync(dir)
    .map((name) => /^(.+)\.csv(\.gz)?$/i.exec(name)?.[1])
    .filter((symbol): symbol is string => symbol !== undefined && symbol.toLowerCase() !== 'constituents')
    .map((symbol) => symbol.toUpperCase())
    .sort();
  // Replayed history lies in the past: these hours strings are placeholders; the gateway refreshes
  // them for its clock with withCurrentHours().
  const week = ibHoursString('2021-01-04', 7, 'trading');
  const liquid = ibHoursString('2021-01-04', 7, 'liquid');
  const known = new Map(defaultInstruments().map((instrument) => [instrument.symbol, instrument]));
  return [...new Set(symbols)].map((symbol) => {
    const info = constituents.get(symbol);
    const template = known.get(symbol);
    if (template) return { ...template, tradingHours: week, liquidHours: liquid };
    return {
      symbol,
      conId: derivedConId(symbol),
      exchange: 'SMART',
      primaryExchange: 'NYSE',
      currency: 'USD',
      minTick: 0.01,
      lotSize: 1,
      sector: info?.sector ?? 'Unknown',
      industry: info?.sector ?? 'Unknown',
      category: info?.sector ?? 'Unknown',
      longName: info?.name ?? symbol,
      tradingHours: week,
      liquidHours: liquid,
      timeZoneId: 'US/Eastern',
    };
  });
}

/**
 * Replays stored daily bars (Alpha Vantage daily-adjusted CSVs, plain or gzipped, newest or oldest
 * first). Intraday paths are derived from each day's OHLCV like the synthetic model's; ADJUSTED_LAST
 * bars scale prices by that day's adjusted_close / close. A symbol's file is read on first use; a
 * bad file or row is recorded in `problems` and the rest of the data still replays. Instants before
 * a symbol's first row have no quote; days missing from a file show the previous day's close.
 */
export function createReplayMarket(options: ReplayMarketOptions): ReplayMarketModel {
  if (!existsSync(options.dir)) throw new Error(`${options.dir}: replay folder not found`);
  const instruments = options.instruments ?? instrumentsFromDir(options.dir);
  const problems: string[] = [];
  const lazySeries = (instrument: Instrument): DailySeries | undefined => {
    const path =
      fileFor(options.dir, instrument.symbol) ?? fileFor(options.dir, instrument.symbol.toUpperCase());
    if (!path) {
      problems.push(
        `${join(options.dir, `${instrument.symbol}.csv`)}: no replay file for ${instrument.symbol}`,
      );
      return undefined;
    }
    let loaded: ReplaySeries | undefined;
    const load = (): ReplaySeries => {
      if (!loaded) {
        let records: DailyRecord[] = [];
        try {
          records = parseAlphaVantageCsv(path, readText(path), instrument.minTick, problems);
        } catch (error) {
          problems.push(`${path}: cannot read: ${(error as Error).message}`);
        }
        loaded = new ReplaySeries(records);
      }
      return loaded;
    };
    return {
      indexAtOrBefore: (day) => load().indexAtOrBefore(day),
      record: (index) => load().record(index),
    };
  };
  const market = new PathMarket({
    instruments,
    seed: options.seed ?? 0,
    seriesFor: lazySeries,
    spreadBpsFor: (instrument) => 0.8 + 2.2 * unitFromKey(hashString(instrument.symbol)),
  });
  return Object.assign(market, { problems });
}
