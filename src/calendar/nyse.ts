import {
  dayFromParts,
  dayNumber,
  daySchema,
  dayString,
  easterSunday,
  isWeekend,
  lastWeekday,
  nthWeekday,
  weekdayOf,
  yearOf,
} from './days.js';
import { newYorkDayNumber, newYorkInstant } from './new-york-time.js';

/** One regular trading session of the NYSE. */
export interface Session {
  day: string;
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
}

const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
const SUNDAY = 0;

/** Unscheduled full-day closures (national mourning days, 9/11, hurricane Sandy). */
const SPECIAL_CLOSURES = new Set(
  [
    '2001-09-11',
    '2001-09-12',
    '2001-09-13',
    '2001-09-14',
    '2004-06-11',
    '2007-01-02',
    '2012-10-29',
    '2012-10-30',
    '2018-12-05',
    '2025-01-09',
  ].map(dayNumber),
);

/**
 * NYSE Rule 7.2: a holiday on Saturday is observed the Friday before and one on Sunday the Monday
 * after, except that New Year's Day on a Saturday is not observed (the Friday closes a year).
 */
function observed(dayNum: number): number {
  const weekday = weekdayOf(dayNum);
  if (weekday === SATURDAY) return dayNum - 1;
  if (weekday === SUNDAY) return dayNum + 1;
  return dayNum;
}

function holidaysOfYear(year: number): Set<number> {
  const days: number[] = [];
  const newYear = dayFromParts(year, 1, 1);
  if (weekdayOf(newYear) !== SATURDAY) days.push(observed(newYear));
  if (year >= 1998) days.push(nthWeekday(year, 1, MONDAY, 3));
  days.push(nthWeekday(year, 2, MONDAY, 3));
  days.push(easterSunday(year) - 2);
  days.push(lastWeekday(year, 5, MONDAY));
  if (year >= 2022) days.push(observed(dayFromParts(year, 6, 19)));
  days.push(observed(dayFromParts(year, 7, 4)));
  days.push(nthWeekday(year, 9, MONDAY, 1));
  days.push(nthWeekday(year, 11, THURSDAY, 4));
  days.push(observed(dayFromParts(year, 12, 25)));
  return new Set(days);
}

function earlyClosesOfYear(year: number, holidays: Set<number>): Set<number> {
  const days: number[] = [];
  days.push(nthWeekday(year, 11, THURSDAY, 4) + 1);
  // Christmas Eve on a weekday that is not itself the observed Christmas holiday.
  const christmasEve = dayFromParts(year, 12, 24);
  if (!isWeekend(christmasEve)) days.push(christmasEve);
  // July 3 closes early when July 4 falls Tuesday-Friday; before 2013 a Thursday July 4 instead
  // shortened Friday July 5 and left Wednesday July 3 a full day.
  const july3 = dayFromParts(year, 7, 3);
  const july3Weekday = weekdayOf(july3);
  if (july3Weekday >= MONDAY && july3Weekday <= THURSDAY) {
    if (july3Weekday === 3 && year < 2013) days.push(dayFromParts(year, 7, 5));
    else days.push(july3);
  }
  return new Set(days.filter((dayNum) => !holidays.has(dayNum) && !isWeekend(dayNum)));
}

interface YearRules {
  holidays: Set<number>;
  earlyCloses: Set<number>;
}

const rulesByYear = new Map<number, YearRules>();

function rulesFor(year: number): YearRules {
  const cached = rulesByYear.get(year);
  if (cached) return cached;
  const holidays = holidaysOfYear(year);
  const rules = { holidays, earlyCloses: earlyClosesOfYear(year, holidays) };
  rulesByYear.set(year, rules);
  return rules;
}

function isTradingDayNumber(dayNum: number): boolean {
  if (isWeekend(dayNum)) return false;
  if (rulesFor(yearOf(dayNum)).holidays.has(dayNum)) return false;
  return !SPECIAL_CLOSURES.has(dayNum);
}

const sessionCache = new Map<number, Session>();

function sessionOfNumber(dayNum: number): Session | undefined {
  if (!isTradingDayNumber(dayNum)) return undefined;
  const cached = sessionCache.get(dayNum);
  if (cached) return cached;
  const earlyClose = rulesFor(yearOf(dayNum)).earlyCloses.has(dayNum);
  const session: Session = {
    day: dayString(dayNum),
    openMs: newYorkInstant(dayNum, 9, 30),
    closeMs: newYorkInstant(dayNum, earlyClose ? 13 : 16, 0),
    earlyClose,
  };
  sessionCache.set(dayNum, session);
  return session;
}

function parseDay(day: string): number {
  return dayNumber(daySchema.parse(day));
}

/** True when the NYSE holds a regular session on the day (YYYY-MM-DD). */
export function isTradingDay(day: string): boolean {
  return isTradingDayNumber(parseDay(day));
}

/** The regular session of a day, or undefined on weekends, holidays and special closures. */
export function session(day: string): Session | undefined {
  return sessionOfNumber(parseDay(day));
}

/** Every trading day from `from` to `to`, both inclusive. */
export function tradingDays(from: string, to: string): string[] {
  const result: string[] = [];
  const last = parseDay(to);
  for (let dayNum = parseDay(from); dayNum <= last; dayNum++) {
    if (isTradingDayNumber(dayNum)) result.push(dayString(dayNum));
  }
  return result;
}

/** The first trading day strictly after `day`. */
export function nextTradingDay(day: string): string {
  let dayNum = parseDay(day) + 1;
  while (!isTradingDayNumber(dayNum)) dayNum++;
  return dayString(dayNum);
}

/** The last trading day strictly before `day`. */
export function previousTradingDay(day: string): string {
  let dayNum = parseDay(day) - 1;
  while (!isTradingDayNumber(dayNum)) dayNum--;
  return dayString(dayNum);
}

/** The New York calendar day of an instant (whether or not it is a trading day). */
export function tradingDayOf(ms: number): string {
  return dayString(newYorkDayNumber(ms));
}

/** The session in progress at an instant (open inclusive, close exclusive), if any. */
export function sessionAt(ms: number): Session | undefined {
  const current = sessionOfNumber(newYorkDayNumber(ms));
  if (current && ms >= current.openMs && ms < current.closeMs) return current;
  return undefined;
}

export function isOpen(ms: number): boolean {
  return sessionAt(ms) !== undefined;
}

/** The most recent session that opened at or before an instant (it may still be running). */
export function latestSessionStartedBy(ms: number): Session | undefined {
  let dayNum = newYorkDayNumber(ms);
  for (let guard = 0; guard < 30; guard++, dayNum--) {
    const candidate = sessionOfNumber(dayNum);
    if (candidate && candidate.openMs <= ms) return candidate;
  }
  return undefined;
}

/**
 * The first trading day of the Monday-to-Sunday week containing `day` (the weekly rebalance day), or
 * undefined when the market is closed all week.
 */
export function firstTradingDayOfWeek(day: string): string | undefined {
  const dayNum = parseDay(day);
  const monday = dayNum - ((weekdayOf(dayNum) + 6) % 7);
  for (let candidate = monday; candidate < monday + 5; candidate++) {
    if (isTradingDayNumber(candidate)) return dayString(candidate);
  }
  return undefined;
}

/** Whether the day is a full-day holiday by rule or a special closure (weekends excluded). */
export function isHoliday(day: string): boolean {
  const dayNum = parseDay(day);
  return !isWeekend(dayNum) && !isTradingDayNumber(dayNum);
}
