import { createRequire } from 'node:module';
import type { Options } from 'csv-parse/sync';
import type { SectorEntry } from './store.js';
import { SYMBOL_PATTERN } from './store.js';

/** csv-parse's sync `parse` as used here: rows of fields. */
type CsvParse = (input: string, options: Options) => string[][];
let csvParse: CsvParse | undefined;

/**
 * csv-parse, loaded on first use: every research command loads this module (through the store's
 * barrel) but only an import with a sector file parses one, and loading the parser cost each
 * `ibloop backtest` ~25 ms of its start. A synchronous parser can only be loaded lazily by require,
 * which takes the package's CommonJS build of the same version.
 */
function parse(input: string, options: Options): string[][] {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: CsvParse }).parse;
  return csvParse(input, options);
}

/**
 * Parses a constituents / sector CSV: columns symbol, name, sector and optionally industry, matched by
 * header name case-insensitively (so `Symbol,Name,Sector` from the S&P 500 list works). Errors name
 * the file, line and column.
 */
export function parseSectorsCsv(text: string, file: string): Record<string, SectorEntry> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = (records[0] ?? []).map((name) => name.toLowerCase());
  const column = (name: string): number => header.indexOf(name);
  const symbolAt = column('symbol');
  const nameAt = column('name');
  const sectorAt = column('sector');
  const industryAt = column('industry');
  const missing = (['symbol', 'name', 'sector'] as const).filter((name) => column(name) < 0);
  if (missing.length > 0) {
    throw new Error(
      `${file}:1: missing column(s) ${missing.join(', ')}; expected symbol,name,sector[,industry]`,
    );
  }
  const out: Record<string, SectorEntry> = {};
  const errors: string[] = [];
  for (let index = 1; index < records.length; index++) {
    const record = records[index]!;
    const line = index + 1;
    const symbol = (record[symbolAt] ?? '').toUpperCase();
    const sector = record[sectorAt] ?? '';
    if (!SYMBOL_PATTERN.test(symbol))
      errors.push(`${file}:${line}: symbol: "${symbol}" is not a valid symbol`);
    else if (sector === '') errors.push(`${file}:${line}: sector: must not be empty`);
    else if (out[symbol]) errors.push(`${file}:${line}: symbol: ${symbol} appears twice`);
    else {
      const industry = industryAt >= 0 ? record[industryAt] : undefined;
      out[symbol] = { name: record[nameAt] ?? '', sector, ...(industry ? { industry } : {}) };
    }
  }
  if (errors.length > 0) throw new Error(errors.slice(0, 20).join('\n'));
  return out;
}
