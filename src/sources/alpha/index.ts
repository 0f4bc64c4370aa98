/**
 * Research data from Alpha Vantage (DESIGN: DataFeed for research). Only training and backtests use
 * it; trading uses IB data (invariant 4), and the branded `AlphaBars` type keeps the two apart.
 *
 * - `parseAlphaCsv`: strict TIME_SERIES_DAILY_ADJUSTED CSV validation, errors by file and line;
 *   newest-first (as the API serves) and oldest-first files are both accepted, a row against the
 *   file's direction is "out of order".
 * - `AlphaBarStore`: `<dataRoot>/alpha/` with one columnar binary file per symbol and a JSON
 *   manifest (coverage, content hashes); atomic writes, idempotent re-imports.
 * - `importAlphaFiles`: files and folders (.csv, .csv.gz); a bad file is reported and skipped.
 * - `AlphaVantageClient`: HTTP client with rate limits, retries with backoff and progress.
 * - `coverageOf`: rows, first/last day and gaps against a trading-day predicate.
 * - Import warnings: short histories (under a year of bars) and sector-file names without prices.
 */
export { type AlphaBarColumns, type AlphaBars, isAlphaBars, makeAlphaBars } from './bars.js';
export {
  AlphaVantageClient,
  type AlphaVantageDeps,
  AlphaVantageError,
  type AlphaVantageOptions,
  alphaVantageOptionsSchema,
  type FetchProgress,
  jsonToCsv,
} from './client.js';
export { coverageOf, type Gap, type SymbolCoverage } from './coverage.js';
export { ALPHA_CSV_COLUMNS, AlphaCsvError, type CsvIssue, parseAlphaCsv, toAlphaCsv } from './csv.js';
export { dayOfMs, formatDay, isWeekday, parseDay, weekdayOf, weekOf } from './days.js';
export {
  decodeCsvBytes,
  type FailedFile,
  type ImportedFile,
  type ImportProgress,
  type ImportReport,
  importAlphaFiles,
  listCsvFiles,
  readCsvText,
  symbolFromFileName,
} from './import.js';
export { parseSectorsCsv } from './sectors.js';
export {
  AlphaBarStore,
  type AlphaManifest,
  type AlphaPriceSeries,
  type AlphaSeriesReader,
  decodeBars,
  encodeBars,
  type PutResult,
  type SectorEntry,
  type StoredSymbol,
  sha256Hex,
  writeFileAtomic,
} from './store.js';
export {
  describeImportWarning,
  type ImportWarning,
  SHORT_HISTORY_BARS,
  sectorsWithoutPrices,
  shortHistoryWarnings,
} from './warnings.js';
