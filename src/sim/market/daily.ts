/** One session's daily bar, the input from which intraday paths are derived. */
export interface DailyRecord {
  day: string;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Shares traded in the session. */
  volume: number;
  /** adjusted_close / close: multiplies raw prices into split- and dividend-adjusted ones. */
  adjustment: number;
  dividend: number;
  split: number;
}

/** A symbol's daily history, in day order; synthetic series extend themselves on demand. */
export interface DailySeries {
  /** Index of the record for `day`, or of the latest record before it; -1 when there is none. */
  indexAtOrBefore(day: string): number;
  record(index: number): DailyRecord;
}

/** Binary search over records sorted by day. */
export function indexAtOrBefore(
  records: readonly DailyRecord[],
  day: string,
  length = records.length,
): number {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = records[middle];
    if (candidate && candidate.day <= day) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
