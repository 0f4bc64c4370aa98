import { dayNumber, daySchema, dayString } from './days.js';
import { session } from './nyse.js';

/**
 * IB's trading-hours strings (contract details `tradingHours` / `liquidHours`):
 * `20261124:0930-20261124:1600;20261126:CLOSED;...`, one entry per calendar day.
 * Liquid hours are the regular session; trading hours add IB's US-stock extended hours
 * (04:00-20:00, or 04:00-17:00 on early-close days).
 */
export function ibHoursString(fromDay: string, calendarDays: number, kind: 'trading' | 'liquid'): string {
  const start = dayNumber(daySchema.parse(fromDay));
  const entries: string[] = [];
  for (let dayNum = start; dayNum < start + calendarDays; dayNum++) {
    const day = dayString(dayNum);
    const compact = day.replaceAll('-', '');
    const regular = session(day);
    if (!regular) {
      entries.push(`${compact}:CLOSED`);
    } else if (kind === 'liquid') {
      entries.push(`${compact}:0930-${compact}:${regular.earlyClose ? '1300' : '1600'}`);
    } else {
      entries.push(`${compact}:0400-${compact}:${regular.earlyClose ? '1700' : '2000'}`);
    }
  }
  return entries.join(';');
}
