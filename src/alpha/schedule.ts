import { weekdayOf, weekOf } from '../sources/alpha/days.js';
import type { Panel } from './panel.js';

/**
 * Weekly schedule on the panel's own trading days: in each Monday-based week the rebalance day is the
 * first trading day on or after `weekday` (1 = Monday, the default: Monday, or Tuesday after a Monday
 * holiday); a week without such a day has no rebalance. The decision is taken at the close of the
 * trading day before the rebalance day. The panel's first row never trades (no prior close).
 */
export interface WeeklySchedule {
  /** Panel rows of rebalance days. */
  readonly tradeRows: Int32Array;
  /** Panel rows of decision closes: tradeRows[k] - 1. */
  readonly decisionRows: Int32Array;
}

export interface ScheduleOptions {
  /** ISO weekday 1 (Monday) .. 5 (Friday). */
  weekday?: number;
  fromRow?: number;
  toRow?: number;
}

export function weeklySchedule(panel: Panel, options: ScheduleOptions = {}): WeeklySchedule {
  const weekday = options.weekday ?? 1;
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 5) {
    throw new Error(`weekday: must be an integer from 1 (Monday) to 5 (Friday), got ${weekday}`);
  }
  const toRow = options.toRow ?? panel.days.length - 1;
  const trade: number[] = [];
  let lastWeek = Number.NaN;
  for (let t = 0; t <= toRow; t++) {
    const day = panel.days[t]!;
    const week = weekOf(day);
    if (week === lastWeek || weekdayOf(day) < weekday) continue;
    lastWeek = week;
    if (t >= Math.max(1, options.fromRow ?? 1)) trade.push(t);
  }
  const tradeRows = Int32Array.from(trade);
  return { tradeRows, decisionRows: tradeRows.map((t) => t - 1) };
}
