/**
 * What a researcher must know after an import, though nothing failed: histories too short for the
 * features (a year of weekly momentum needs a year of bars) and names in the sector file that have
 * no prices, which silently drop out of every universe built from that file.
 */
export const SHORT_HISTORY_BARS = 252;

export type ImportWarning =
  | { code: 'short-history'; symbol: string; rows: number; minimum: number }
  | { code: 'sector-without-prices'; symbol: string };

export function shortHistoryWarnings(files: readonly { symbol: string; rows: number }[]): ImportWarning[] {
  return files
    .filter((file) => file.rows < SHORT_HISTORY_BARS)
    .map((file) => ({
      code: 'short-history' as const,
      symbol: file.symbol,
      rows: file.rows,
      minimum: SHORT_HISTORY_BARS,
    }));
}

export function sectorsWithoutPrices(
  sectorSymbols: Iterable<string>,
  storedSymbols: Iterable<string>,
): ImportWarning[] {
  const stored = new Set(storedSymbols);
  return [...sectorSymbols]
    .filter((symbol) => !stored.has(symbol))
    .sort()
    .map((symbol) => ({ code: 'sector-without-prices' as const, symbol }));
}

export function describeImportWarning(warning: ImportWarning): string {
  return warning.code === 'short-history'
    ? `${warning.symbol}: short history, ${warning.rows} bars (less than a year, ${warning.minimum})`
    : `${warning.symbol}: in the sector file but has no prices`;
}
