import { dayNumber, dayString, session, tradingDayOf, weekdayOf } from '../calendar/index.js';
import type { ProjectParams } from '../projects/index.js';

const MINUTE_MS = 60_000;

/** When a run fires and until when it may trade. */
export interface RunWindow {
  tradingDate: string;
  /** The fire time: the open plus the project's minutes after the open. */
  fireMs: number;
  /** The run's window closes this long before the close (an early close shortens it). */
  windowEndMs: number;
  openMs: number;
  closeMs: number;
  earlyClose: boolean;
}

type Timing = Pick<ProjectParams, 'schedule' | 'pipeline'>;

/** The window of a run on a trading day, or undefined when the exchange is closed that day. */
export function windowOn(day: string, params: Timing): RunWindow | undefined {
  const s = session(day);
  if (!s) return undefined;
  const windowEndMs = s.closeMs - params.pipeline.windowCloseMinutesBeforeClose * MINUTE_MS;
  // A fire time past the window's end (a short early close) still fires at the window's end at the latest.
  const fireMs = Math.min(s.openMs + params.schedule.minutesAfterOpen * MINUTE_MS, windowEndMs);
  return {
    tradingDate: day,
    fireMs,
    windowEndMs,
    openMs: s.openMs,
    closeMs: s.closeMs,
    earlyClose: s.earlyClose,
  };
}

/**
 * The scheduled run of the Monday-to-Sunday week containing `day`: the first trading day on or after
 * the project's weekday in that week (a holiday moves it later in the week), or undefined when the
 * market is closed from that weekday to Friday.
 */
export function weeklyWindow(day: string, params: Timing): RunWindow | undefined {
  const dayNum = dayNumber(day);
  const monday = dayNum - ((weekdayOf(dayNum) + 6) % 7);
  for (let candidate = monday + params.schedule.weekday - 1; candidate < monday + 5; candidate++) {
    const found = windowOn(dayString(candidate), params);
    if (found) return found;
  }
  return undefined;
}

/** The scheduled windows whose end is after `fromMs`, the next `count` of them. */
export function nextWindows(fromMs: number, params: Timing, count: number): RunWindow[] {
  const result: RunWindow[] = [];
  let dayNum = dayNumber(tradingDayOf(fromMs));
  for (let week = 0; result.length < count && week < count + 60; week++, dayNum += 7) {
    const found = weeklyWindow(dayString(dayNum), params);
    if (found && found.windowEndMs > fromMs) result.push(found);
  }
  return result;
}

/**
 * Where a run started by hand at `nowMs` trades: today while today's window is open, else at the fire
 * time of the next trading day (so a run started while the market is closed says when it will trade).
 */
export function manualWindow(nowMs: number, params: Timing): RunWindow {
  let dayNum = dayNumber(tradingDayOf(nowMs));
  for (let guard = 0; guard < 30; guard++, dayNum++) {
    const found = windowOn(dayString(dayNum), params);
    if (!found || found.windowEndMs <= nowMs) continue;
    // Inside today's window a manual run does not wait for the scheduled minute.
    return nowMs >= found.openMs ? { ...found, fireMs: nowMs } : found;
  }
  throw new Error('no trading session within 30 days');
}
