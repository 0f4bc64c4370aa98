/**
 * The NYSE exchange calendar: regular sessions (09:30-16:00 New York time, 13:00 on early-close days),
 * holidays by rule and special closures. Days are `YYYY-MM-DD` strings; instants are epoch ms.
 */
export { dayNumber, daySchema, dayString, weekdayOf } from './days.js';
export { ibHoursString } from './ib-hours.js';
export { type ClosedReason, type MarketStatus, marketStatusAt } from './market-status.js';
export { newYorkDay, newYorkInstantOfDay, newYorkOffsetMs, newYorkTimeOfDayMs } from './new-york-time.js';
export {
  firstTradingDayOfWeek,
  isHoliday,
  isOpen,
  isTradingDay,
  latestSessionStartedBy,
  nextTradingDay,
  previousTradingDay,
  type Session,
  session,
  sessionAt,
  tradingDayOf,
  tradingDays,
} from './nyse.js';
