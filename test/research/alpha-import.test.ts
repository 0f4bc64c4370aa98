import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  AlphaBarStore,
  AlphaCsvError,
  coverageOf,
  importAlphaFiles,
  parseAlphaCsv,
  parseDay,
  parseSectorsCsv,
  sha256Hex,
  toAlphaCsv,
} from '../../src/sources/alpha/index.js';
import { generateMarket } from './fixtures/market.js';

const HEADER = 'timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient';
const row = (day: string, close = 10): string =>
  `${day},${close},${close + 1},${close - 1},${close},${close},1000,0.0,1.0`;

function parseError(text: string): AlphaCsvError {
  try {
    parseAlphaCsv(text, 'X.csv', 'X');
  } catch (error) {
    if (error instanceof AlphaCsvError) return error;
    throw error;
  }
  throw new Error('expected an AlphaCsvError');
}

describe('Alpha CSV parsing', () => {
  it('reads newest-first files (as Alpha Vantage serves them) into oldest-first bars', () => {
    const bars = parseAlphaCsv(
      [HEADER, row('2021-01-06', 12), row('2021-01-05', 11), row('2021-01-04', 10)].join('\n'),
      'X.csv',
      'X',
    );
    expect(Array.from(bars.days)).toEqual([
      parseDay('2021-01-04'),
      parseDay('2021-01-05'),
      parseDay('2021-01-06'),
    ]);
    expect(Array.from(bars.close)).toEqual([10, 11, 12]);
    expect(bars.source).toBe('alpha');
  });

  it('reads oldest-first files with CRLF line ends too', () => {
    const bars = parseAlphaCsv(
      `${[HEADER, row('2021-01-04'), row('2021-01-05')].join('\r\n')}\r\n`,
      'X.csv',
      'X',
    );
    expect(bars.length).toBe(2);
  });

  it('rejects wrong columns on line 1', () => {
    const error = parseError(['timestamp,open,high,low,close,volume', '2021-01-04,1,1,1,1,1'].join('\n'));
    expect(error.issues[0]).toMatchObject({ line: 1 });
    expect(error.message).toContain('wrong columns');
  });

  it('names the line and column of a bad number', () => {
    const error = parseError(
      [HEADER, row('2021-01-04'), '2021-01-05,10,11,9,abc,10,1000,0.0,1.0'].join('\n'),
    );
    expect(error.issues).toMatchObject([
      { line: 3, message: 'close: expected a positive number, got "abc"' },
    ]);
    expect(error.issues[0]?.text.params).toMatchObject({ line: 3, field: 'close', problem: 'not-positive' });
    expect(error.message).toContain('X.csv:3');
  });

  it('reports duplicated dates with the line of the first occurrence', () => {
    const error = parseError([HEADER, row('2021-01-06'), row('2021-01-05'), row('2021-01-05')].join('\n'));
    expect(error.issues[0]).toMatchObject({ line: 4 });
    expect(error.issues[0]!.message).toContain('duplicated date 2021-01-05 (first on line 3)');
  });

  it('reports a row that breaks the file direction as out of order', () => {
    const error = parseError(
      [HEADER, row('2021-01-08'), row('2021-01-07'), row('2021-01-11'), row('2021-01-06')].join('\n'),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.line).toBe(4);
    expect(error.issues[0]!.message).toContain('out of order');
  });

  it('explains an Alpha Vantage JSON error body instead of a CSV', () => {
    const error = parseError('{\n "Error Message": "Invalid API call."\n}');
    expect(error.message).toContain('JSON response');
    expect(error.message).toContain('Invalid API call');
  });

  it('rejects impossible dates and negative volumes', () => {
    const error = parseError(
      [HEADER, '2021-02-30,1,1,1,1,1,1,0,1', '2021-03-01,1,1,1,1,1,-5,0,1'].join('\n'),
    );
    expect(error.issues.map((issue) => issue.line)).toEqual([2, 3]);
  });

  it('round-trips generated bars through CSV', () => {
    const [bars] = generateMarket({ seed: 7, symbols: 1, days: 300 });
    const again = parseAlphaCsv(toAlphaCsv(bars!), 'S000.csv', 'S000');
    expect(Array.from(again.adjustedClose)).toEqual(Array.from(bars!.adjustedClose));
    expect(Array.from(again.days)).toEqual(Array.from(bars!.days));
  });
});

describe('research bar store import', () => {
  let dir: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ibloop-alpha-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeFixtureFiles(): Promise<string> {
    const input = path.join(dir, 'in');
    const market = generateMarket({ seed: 3, symbols: 3, days: 120 });
    await import('node:fs/promises').then((fs) => fs.mkdir(input));
    await writeFile(path.join(input, 'S000.csv'), toAlphaCsv(market[0]!));
    await writeFile(path.join(input, 'S001.csv.gz'), gzipSync(toAlphaCsv(market[1]!, 'oldest-first')));
    await writeFile(path.join(input, 'S002.csv'), toAlphaCsv(market[2]!));
    await writeFile(path.join(input, 'BAD.csv'), '{ "Error Message": "Invalid API call" }');
    return input;
  }

  it('imports a folder of .csv and .csv.gz files, reports the bad one and loads what it stored', async () => {
    const input = await writeFixtureFiles();
    const store = new AlphaBarStore(path.join(dir, 'data'), clock);
    const report = await importAlphaFiles([input], store);
    expect(report.imported.map((file) => [file.symbol, file.result])).toEqual([
      ['S000', 'created'],
      ['S001', 'created'],
      ['S002', 'created'],
    ]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.errors[0]).toContain('BAD.csv:1');
    const loaded = await new AlphaBarStore(path.join(dir, 'data'), clock).load('S001');
    expect(loaded.length).toBe(120);
    expect(loaded.source).toBe('alpha');
  });

  it('re-importing the same content changes nothing, not even file times', async () => {
    const input = await writeFixtureFiles();
    const root = path.join(dir, 'data');
    await importAlphaFiles([input], new AlphaBarStore(root, clock));
    const manifestBefore = await readFile(path.join(root, 'alpha', 'manifest.json'), 'utf8');
    const timeBefore = (await stat(path.join(root, 'alpha', 'bars', 'S000.bin'))).mtimeMs;
    clock.advance(86_400_000);
    const report = await importAlphaFiles([input], new AlphaBarStore(root, clock));
    expect(report.imported.every((file) => file.result === 'unchanged')).toBe(true);
    expect(await readFile(path.join(root, 'alpha', 'manifest.json'), 'utf8')).toBe(manifestBefore);
    expect((await stat(path.join(root, 'alpha', 'bars', 'S000.bin'))).mtimeMs).toBe(timeBefore);
  });

  it('remembers the source file so an identical file is not parsed again; same bars in another order stay unchanged', async () => {
    const input = await writeFixtureFiles();
    const root = path.join(dir, 'data');
    await importAlphaFiles([input], new AlphaBarStore(root, clock));
    const manifest = JSON.parse(await readFile(path.join(root, 'alpha', 'manifest.json'), 'utf8'));
    const bytes = await readFile(path.join(input, 'S000.csv'));
    expect(manifest.symbols.S000.sourceSha256).toBe(sha256Hex(bytes));
    // The same bars written oldest-first: different bytes, same content.
    const [bars] = generateMarket({ seed: 3, symbols: 1, days: 120 });
    const reordered = path.join(dir, 'S000.csv');
    await writeFile(reordered, toAlphaCsv(bars!, 'oldest-first'));
    const report = await importAlphaFiles([reordered], new AlphaBarStore(root, clock));
    expect(report.imported[0]!.result).toBe('unchanged');
    const after = JSON.parse(await readFile(path.join(root, 'alpha', 'manifest.json'), 'utf8'));
    expect(after.symbols.S000.sourceSha256).toBe(sha256Hex(await readFile(reordered)));
    expect(after.symbols.S000.sha256).toBe(manifest.symbols.S000.sha256);
  });

  it('a bad re-import of a symbol leaves its stored data untouched', async () => {
    const input = await writeFixtureFiles();
    const root = path.join(dir, 'data');
    await importAlphaFiles([input], new AlphaBarStore(root, clock));
    const before = await readFile(path.join(root, 'alpha', 'bars', 'S000.bin'));
    const broken = path.join(dir, 'S000.csv');
    await writeFile(broken, [HEADER, row('2021-01-05'), row('2021-01-05')].join('\n'));
    const report = await importAlphaFiles([broken], new AlphaBarStore(root, clock));
    expect(report.failed[0]!.errors[0]).toContain('S000.csv:3: duplicated date');
    expect(Buffer.compare(await readFile(path.join(root, 'alpha', 'bars', 'S000.bin')), before)).toBe(0);
  });

  it('imports sectors from a constituents CSV and changes nothing on a repeat', async () => {
    const store = new AlphaBarStore(dir, clock);
    const text = 'Symbol,Name,Sector\nAAA,"Alpha, Inc.",Industrials\nBBB,Beta Corp,Health Care\n';
    const sectors = parseSectorsCsv(text, 'constituents.csv');
    expect(sectors.AAA).toEqual({ name: 'Alpha, Inc.', sector: 'Industrials' });
    expect(await store.putSectors(sectors)).toBe(2);
    expect(await store.putSectors(sectors)).toBe(0);
    expect(() => parseSectorsCsv('Symbol,Name\nAAA,x\n', 'c.csv')).toThrow(
      /c\.csv:1: missing column\(s\) sector/,
    );
  });
});

describe('coverage', () => {
  it('lists missing weekdays as gaps, or only missing trading days with a calendar', () => {
    const text = [HEADER, row('2021-01-04'), row('2021-01-05'), row('2021-01-08'), row('2021-01-19')].join(
      '\n',
    );
    const bars = parseAlphaCsv(text, 'X.csv', 'X');
    const coverage = coverageOf(bars);
    expect(coverage.gaps).toEqual([
      { from: '2021-01-06', to: '2021-01-07', days: 2 },
      { from: '2021-01-11', to: '2021-01-18', days: 6 },
    ]);
    const mlkDay = parseDay('2021-01-18')!;
    const withHoliday = coverageOf(
      bars,
      (day) => day !== mlkDay && (day + 4) % 7 !== 0 && (day + 4) % 7 !== 6,
    );
    expect(withHoliday.gaps[1]).toEqual({ from: '2021-01-11', to: '2021-01-15', days: 5 });
    expect(withHoliday.missingDays).toBe(7);
  });
});
