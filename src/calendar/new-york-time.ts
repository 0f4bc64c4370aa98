import { zoneOffsetMs } from '../core/time-zone.js';
import { dayNumber, dayString } from './days.js';

/**
 * New York wall-clock conversions. The UTC offset comes from Intl (the platform's tz database); the
 * offset changes only at DST transitions, so each year's transitions are located once and cached,
 * which keeps per-call cost to a small array scan instead of an Intl call.
 */
const TIME_ZONE = 'America/New_York';
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Offset (local minus UTC, in ms) at an instant, straight from Intl. */
function intlOffsetMs(ms: number): number {
  return zoneOffsetMs(ms, TIME_ZONE);
}

interface OffsetSpan {
  startMs: number;
  offsetMs: number;
}

/** Per UTC year: the offset spans in force, in order. */
const spansByYear = new Map<number, OffsetSpan[]>();

function spansForYear(year: number): OffsetSpan[] {
  const cached = spansByYear.get(year);
  if (cached) return cached;
  const yearStart = Date.UTC(year, 0, 1);
  const yearEnd = Date.UTC(year + 1, 0, 1);
  const spans: OffsetSpan[] = [{ startMs: yearStart, offsetMs: intlOffsetMs(yearStart) }];
  // Sample daily; when the offset differs from the previous sample, bisect to the exact hour.
  let previousMs = yearStart;
  let previousOffset = spans[0]?.offsetMs ?? 0;
  for (let ms = yearStart + MS_PER_DAY; ms <= yearEnd; ms += MS_PER_DAY) {
    const sampleMs = Math.min(ms, yearEnd - 1);
    const offset = intlOffsetMs(sampleMs);
    if (offset !== previousOffset) {
      let low = previousMs;
      let high = sampleMs;
      while (high - low > MS_PER_HOUR) {
        const middle = low + Math.floor((high - low) / 2 / MS_PER_HOUR) * MS_PER_HOUR;
        if (middle === low) break;
        if (intlOffsetMs(middle) === previousOffset) low = middle;
        else high = middle;
      }
      // Transitions happen on whole hours in UTC for this zone.
      const boundary = intlOffsetMs(low) === previousOffset ? low + MS_PER_HOUR : low;
      spans.push({ startMs: Math.min(boundary, high), offsetMs: offset });
      previousOffset = offset;
    }
    previousMs = sampleMs;
  }
  spansByYear.set(year, spans);
  return spans;
}

/** New York's UTC offset in ms (negative: -5 h in winter, -4 h in summer) at an instant. */
export function newYorkOffsetMs(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const spans = spansForYear(year);
  let offset = spans[0]?.offsetMs ?? 0;
  for (const span of spans) {
    if (span.startMs <= ms) offset = span.offsetMs;
    else break;
  }
  return offset;
}

/** The New York calendar date (YYYY-MM-DD) of an instant. */
export function newYorkDay(ms: number): string {
  return dayString(newYorkDayNumber(ms));
}

export function newYorkDayNumber(ms: number): number {
  return Math.floor((ms + newYorkOffsetMs(ms)) / MS_PER_DAY);
}

/** Milliseconds since New York midnight of the instant's local day. */
export function newYorkTimeOfDayMs(ms: number): number {
  const local = ms + newYorkOffsetMs(ms);
  return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * The instant of a New York wall-clock time on a day. Valid for times outside the 01:00-03:00 DST
 * transition window (sessions are 09:30-16:00, so this never matters here).
 */
export function newYorkInstant(dayNum: number, hour: number, minute: number): number {
  const localAsUtc = dayNum * MS_PER_DAY + hour * MS_PER_HOUR + minute * 60_000;
  const guess = localAsUtc - newYorkOffsetMs(localAsUtc + 5 * MS_PER_HOUR);
  return localAsUtc - newYorkOffsetMs(guess);
}

export function newYorkInstantOfDay(day: string, hour: number, minute: number): number {
  return newYorkInstant(dayNumber(day), hour, minute);
}
