import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AlphaCsvError, parseAlphaCsv } from './csv.js';
import { type AlphaBarStore, type PutResult, SYMBOL_PATTERN, sha256Hex } from './store.js';
import { type ImportWarning, shortHistoryWarnings } from './warnings.js';

export interface ImportedFile {
  file: string;
  symbol: string;
  result: PutResult;
  rows: number;
}

export interface FailedFile {
  file: string;
  /** One line per problem, each naming file and line where the file has lines. */
  errors: string[];
}

export interface ImportReport {
  imported: ImportedFile[];
  failed: FailedFile[];
  /** Imported, but worth knowing: short histories. */
  warnings: ImportWarning[];
}

export interface ImportProgress {
  done: number;
  total: number;
  file: string;
}

const CSV_FILE = /\.csv(\.gz)?$/i;

/** `AAPL.csv.gz` -> `AAPL`; upper-cased because Alpha Vantage symbols are case-insensitive. */
export function symbolFromFileName(file: string): string {
  return path.basename(file).replace(CSV_FILE, '').toUpperCase();
}

/** Expands folders (one level deep, sorted) into their .csv / .csv.gz files; files are kept as given. */
export async function listCsvFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const info = await stat(entry);
    if (info.isDirectory()) {
      const names = (await readdir(entry)).filter((name) => CSV_FILE.test(name)).sort();
      for (const name of names) files.push(path.join(entry, name));
    } else {
      files.push(entry);
    }
  }
  return files;
}

export async function readCsvText(file: string): Promise<string> {
  return decodeCsvBytes(await readFile(file));
}

/** Text of a .csv or .csv.gz file's bytes; gzip is detected by its magic bytes, not by the name. */
export function decodeCsvBytes(raw: Buffer): string {
  const data = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return data.toString('utf8');
}

/**
 * Imports Alpha Vantage CSV files and folders. Each file is validated whole before anything is
 * written, so a bad file is reported (by file and line) and skipped while the others go on; the stored
 * data of its symbol stays as it was. A file byte-identical to the one a symbol was last imported from
 * is not parsed again, so re-importing a whole folder takes a fraction of the first import.
 */
export async function importAlphaFiles(
  paths: readonly string[],
  store: AlphaBarStore,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportReport> {
  const files = await listCsvFiles(paths);
  const report: ImportReport = { imported: [], failed: [], warnings: [] };
  let done = 0;
  for (const file of files) {
    const symbol = symbolFromFileName(file);
    try {
      if (!SYMBOL_PATTERN.test(symbol)) throw new Error(`${file}: file name does not give a valid symbol`);
      const raw = await readFile(file);
      const sourceSha256 = sha256Hex(raw);
      const known = await store.importedFrom(symbol, sourceSha256);
      if (known) {
        report.imported.push({ file, symbol, result: 'unchanged', rows: known.rows });
      } else {
        const bars = parseAlphaCsv(decodeCsvBytes(raw), file, symbol);
        const result = await store.put(bars, path.basename(file), sourceSha256);
        report.imported.push({ file, symbol, result, rows: bars.length });
      }
    } catch (error) {
      if (error instanceof AlphaCsvError) {
        report.failed.push({
          file,
          errors: error.issues.map((issue) => `${file}:${issue.line}: ${issue.message}`),
        });
      } else {
        report.failed.push({ file, errors: [error instanceof Error ? error.message : String(error)] });
      }
    }
    done++;
    onProgress?.({ done, total: files.length, file });
  }
  await store.flush();
  report.warnings = shortHistoryWarnings(report.imported);
  return report;
}
