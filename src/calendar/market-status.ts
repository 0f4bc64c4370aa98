import { dayNumber, isWeekend } from './days.js';
import { isHoliday, nextTradingDay, type Session, session, tradingDayOf } from './nyse.js';

/** Why the market is closed at an instant. */
export type ClosedReason = 'weekend' | 'holiday' | 'before_open' | 'after_close';

/** The exchange's state at an instant, as the UI shows it in the header. */
export interface MarketStatus {
  /** The New York calendar day of the instant. */
  day: string;
  open: boolean;
  /** Null while open. */
  closedReason: ClosedReason | null;
  /** True when the day's session (running, finished or still ahead) ends early (13:00 New York). */
  earlyClose: boolean;
  /** When the running session closes; null while closed. */
  closesAtMs: number | null;
  /** The next session's opening instant (the following one while open). */
  nextOpenMs: number;
  nextOpenDay: string;
  /** Whether that next session closes early. */
  nextOpenEarlyClose: boolean;
}

/** The NYSE's regular-session state at an instant: open or closed (and why), early close, next open. */
export function marketStatusAt(ms: number): MarketStatus {
  const day = tradingDayOf(ms);
  const today = session(day);
  const open = today !== undefined && ms >= today.openMs && ms < today.closeMs;
  const next: Session | undefined =
    today !== undefined && ms < today.openMs ? today : session(nextTradingDay(day));
  if (!next) throw new Error(`the calendar has no session after ${day}`);
  return {
    day,
    open,
    closedReason: open ? null : closedReason(day, today, ms),
    earlyClose: today?.earlyClose ?? false,
    closesAtMs: open && today ? today.closeMs : null,
    nextOpenMs: next.openMs,
    nextOpenDay: next.day,
    nextOpenEarlyClose: next.earlyClose,
  };
}

function closedReason(day: string, today: Session | undefined, ms: number): ClosedReason {
  if (today) return ms < today.openMs ? 'before_open' : 'after_close';
  if (isWeekend(dayNumber(day))) return 'weekend';
  return isHoliday(day) ? 'holiday' : 'weekend';
}
