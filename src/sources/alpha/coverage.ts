import type { AlphaBars } from './bars.js';
import { formatDay, isWeekday } from './days.js';

export interface Gap {
  from: string;
  to: string;
  /** Missing expected trading days in this run. */
  days: number;
}

export interface SymbolCoverage {
  symbol: string;
  rows: number;
  first: string;
  last: string;
  /** Expected trading days between first and last that have no bar. */
  missingDays: number;
  gaps: Gap[];
}

/**
 * Coverage and gaps of one symbol. Expected days default to weekdays; pass the exchange calendar's
 * `isTradingDay` (src/calendar) to stop holidays from showing up as gaps.
 */
export function coverageOf(
  bars: AlphaBars,
  isTradingDay: (day: number) => boolean = isWeekday,
): SymbolCoverage {
  const gaps: Gap[] = [];
  let missingDays = 0;
  for (let row = 1; row < bars.length; row++) {
    let runStart = -1;
    let runLength = 0;
    const previous = bars.days[row - 1]!;
    const current = bars.days[row]!;
    for (let day = previous + 1; day < current; day++) {
      if (!isTradingDay(day)) continue;
      if (runStart < 0) runStart = day;
      runLength++;
      missingDays++;
    }
    if (runLength > 0) {
      let runEnd = current - 1;
      while (!isTradingDay(runEnd)) runEnd--;
      gaps.push({ from: formatDay(runStart), to: formatDay(runEnd), days: runLength });
    }
  }
  return {
    symbol: bars.symbol,
    rows: bars.length,
    first: bars.length > 0 ? formatDay(bars.days[0]!) : '',
    last: bars.length > 0 ? formatDay(bars.days[bars.length - 1]!) : '',
    missingDays,
    gaps,
  };
}
