import path from 'node:path';
import { writeFileAtomic } from '../sources/alpha/index.js';
import type { BacktestResult } from './engine.js';
import { canonicalJsonSha256 } from './result-hash.js';
import { RESULT_HASH_V2_PREFIX, resultHashV2 } from './result-hash-v2.js';

/**
 * Content hash of a result: two runs with equal inputs must give equal hashes (bit for bit). New
 * hashes are version 2 (`v2:` + sha256 of a binary form, see result-hash-v2.ts), which a sweep point
 * computes without building the result's objects; version 1 (64 hex digits, sha256 of the canonical
 * JSON) is what results and sweeps stored before carry, and `resultHashOf` still computes it to verify them.
 */
export function resultHash(result: BacktestResult): string {
  return resultHashV2(result);
}

export type ResultHashVersion = 'v1' | 'v2';

/** The version a stored hash was made with. */
export function resultHashVersion(hash: string): ResultHashVersion {
  return hash.startsWith(RESULT_HASH_V2_PREFIX) ? 'v2' : 'v1';
}

/** The hash of `result` in the given version: to compare a rerun with a hash stored before v2. */
export function resultHashOf(result: BacktestResult, version: ResultHashVersion): string {
  return version === 'v2' ? resultHashV2(result) : canonicalJsonSha256(result);
}

/** The hash's hex digits, without a version prefix (a backtest folder is named by the first 16). */
export function resultHashHex(hash: string): string {
  return hash.startsWith(RESULT_HASH_V2_PREFIX) ? hash.slice(RESULT_HASH_V2_PREFIX.length) : hash;
}

function csv(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

function csvField(value: string | number): string {
  // A number's text never needs quoting; skipping the test matters for the trades of decades.
  if (typeof value === 'number') return String(value);
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function equityCsv(result: BacktestResult): string {
  return csv([
    ['date', 'equity', 'benchmark', 'drawdown'],
    ...result.days.map((day, i) => [day, result.equity[i]!, result.benchmarkEquity[i]!, result.drawdown[i]!]),
  ]);
}

export function tradesCsv(result: BacktestResult): string {
  return csv([
    ['date', 'symbol', 'quantity', 'price', 'commission', 'reason'],
    ...[
      ...result.rebalances.flatMap((r) =>
        r.trades.map((t) => [r.date, t.symbol, t.quantity, t.price, t.commission, 'rebalance']),
      ),
      ...result.exits.map((e) => [e.date, e.symbol, e.quantity, e.price, e.commission, 'stopped-trading']),
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
  ]);
}

export function holdingsCsv(result: BacktestResult): string {
  return csv([
    ['date', 'symbol', 'shares', 'weight'],
    ...result.rebalances.flatMap((r) => r.holdings.map((h) => [r.date, h.symbol, h.shares, h.weight])),
  ]);
}

export function rebalancesCsv(result: BacktestResult): string {
  return csv([
    ['date', 'decision_date', 'equity', 'turnover', 'commission', 'trades', 'holdings'],
    ...result.rebalances.map((r) => [
      r.date,
      r.decisionDate,
      r.equity,
      r.turnover,
      r.commission,
      r.trades.length,
      r.holdings.length,
    ]),
  ]);
}

export function summaryCsv(result: BacktestResult): string {
  const index = result.index;
  const rows: (string | number)[][] = [
    ['metric', 'strategy', 'benchmark', ...(index ? [`index:${index.symbol}`] : [])],
  ];
  for (const [key, value] of Object.entries(result.stats)) {
    const benchmark = (result.benchmark as unknown as Record<string, number>)[key] ?? '';
    const indexValue = index ? [(index.stats as unknown as Record<string, number>)[key] ?? ''] : [];
    rows.push([key, value, benchmark, ...indexValue]);
  }
  for (const [sector, weight] of Object.entries(result.sectorExposure))
    rows.push([`sector:${sector}`, weight, '']);
  rows.push(['project_version', result.config.projectVersion ?? '', '']);
  rows.push(['model_version', result.config.modelVersion ?? '', '']);
  return csv(rows);
}

/** Writes result.json and the CSV files into `dir`; returns the written paths. */
export async function exportBacktest(result: BacktestResult, dir: string): Promise<string[]> {
  const files: [string, string][] = [
    ['result.json', `${JSON.stringify(result)}\n`],
    ['summary.csv', summaryCsv(result)],
    ['equity.csv', equityCsv(result)],
    ['rebalances.csv', rebalancesCsv(result)],
    ['trades.csv', tradesCsv(result)],
    ['holdings.csv', holdingsCsv(result)],
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    await writeFileAtomic(file, content);
    written.push(file);
  }
  return written;
}
