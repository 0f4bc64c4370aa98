import { z } from 'zod';

/**
 * Calendar days are `YYYY-MM-DD` strings. Internally they map to day numbers (days since 1970-01-01),
 * which makes weekday and distance arithmetic exact and independent of any time zone.
 */
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD')
  .refine((value) => dayString(dayNumber(value)) === value, 'not a valid calendar day');

const MS_PER_DAY = 86_400_000;

export function dayNumber(day: string): number {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = Number(day.slice(8, 10));
  return Math.floor(Date.UTC(year, month - 1, date) / MS_PER_DAY);
}

export function dayString(dayNum: number): string {
  return new Date(dayNum * MS_PER_DAY).toISOString().slice(0, 10);
}

export function dayFromParts(year: number, month: number, date: number): number {
  return Math.floor(Date.UTC(year, month - 1, date) / MS_PER_DAY);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(dayNum: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNum + 4) % 7) + 7) % 7;
}

export function yearOf(dayNum: number): number {
  return new Date(dayNum * MS_PER_DAY).getUTCFullYear();
}

export function isWeekend(dayNum: number): boolean {
  const weekday = weekdayOf(dayNum);
  return weekday === 0 || weekday === 6;
}

/** The n-th (1-based) given weekday of a month. */
export function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayFromParts(year, month, 1);
  const offset = (weekday - weekdayOf(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

export function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayFromParts(year, month + 1, 0);
  const offset = (weekdayOf(last) - weekday + 7) % 7;
  return last - offset;
}

/** Western (Gregorian) Easter Sunday, anonymous Gregorian algorithm. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const date = ((h + l - 7 * m + 114) % 31) + 1;
  return dayFromParts(year, month, date);
}
