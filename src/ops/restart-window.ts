/**
 * The gateway's restart windows: IB Gateway / TWS restarts itself once a day at a time its user sets,
 * and IBKR ends every session early on Sunday (New York time), after which the gateway needs a
 * two-factor login. A disconnect inside one of these windows is expected; a gateway still down some
 * minutes after the window needs a person.
 */

import type { ResolvedSettings } from '../config/index.js';
import { WEEKDAYS } from '../contract/ops.js';
import { zoneOffsetMs } from '../core/time-zone.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const WEEK_MINUTES = 7 * DAY_MINUTES;

export interface RestartWindowConfig {
  timeZone: string;
  /** "HH:MM" or "off". */
  dailyRestart: string;
  /** "Sun 01:00" or "off". */
  weeklyRelogin: string;
  windowMinutes: number;
  /** How long after a window's end a gateway that is still down is reported as needing a login. */
  loginAfterMinutes: number;
}

export type RestartWindowKind = 'daily-restart' | 'weekly-relogin';

export interface RestartWindow {
  kind: RestartWindowKind;
  startMs: number;
  endMs: number;
}

export interface RestartWindows {
  /** The window `nowMs` lies in, or null outside every window. */
  windowAt(nowMs: number): RestartWindow | null;
  /** Time after a window's end before a gateway still down needs a login. */
  loginAfterMs: number;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Windows are computed on the zone's wall clock at `nowMs`; on a DST change inside a window its
 * start may be off by the shift, which only moves the quiet period by that hour's fraction.
 */
export function restartWindows(config: RestartWindowConfig): RestartWindows {
  const windowMs = config.windowMinutes * MINUTE_MS;
  const daily = config.dailyRestart === 'off' ? null : minutesOf(config.dailyRestart);
  const weekly = (() => {
    if (config.weeklyRelogin === 'off') return null;
    const [day, time] = config.weeklyRelogin.split(/\s+/);
    return WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]) * DAY_MINUTES + minutesOf(time ?? '00:00');
  })();

  return {
    loginAfterMs: config.loginAfterMinutes * MINUTE_MS,
    windowAt(nowMs) {
      const localMs = nowMs + zoneOffsetMs(nowMs, config.timeZone);
      const sinceMinuteMs = ((localMs % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
      const local = new Date(localMs);
      const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes();
      const minuteOfWeek = local.getUTCDay() * DAY_MINUTES + minuteOfDay;
      const inside = (kind: RestartWindowKind, elapsedMinutes: number): RestartWindow | null => {
        const elapsedMs = elapsedMinutes * MINUTE_MS + sinceMinuteMs;
        if (elapsedMs >= windowMs) return null;
        const startMs = nowMs - elapsedMs;
        return { kind, startMs, endMs: startMs + windowMs };
      };
      // The weekly re-login wins when both overlap: it is the one that needs a person afterwards.
      if (weekly !== null) {
        const found = inside('weekly-relogin', (minuteOfWeek - weekly + WEEK_MINUTES) % WEEK_MINUTES);
        if (found) return found;
      }
      if (daily !== null) return inside('daily-restart', (minuteOfDay - daily + DAY_MINUTES) % DAY_MINUTES);
      return null;
    },
  };
}

/** The windows as configured (GATEWAY_* settings). */
export function restartWindowsFromSettings(settings: ResolvedSettings): RestartWindows {
  return restartWindows({
    timeZone: String(settings.GATEWAY_TIME_ZONE.value ?? 'America/New_York'),
    dailyRestart: String(settings.GATEWAY_DAILY_RESTART.value ?? 'off'),
    weeklyRelogin: String(settings.GATEWAY_WEEKLY_RELOGIN.value ?? 'off'),
    windowMinutes: Number(settings.GATEWAY_WINDOW_MINUTES.value ?? 15),
    loginAfterMinutes: Number(settings.GATEWAY_LOGIN_ALERT_MINUTES.value ?? 10),
  });
}
