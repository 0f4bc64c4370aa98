/**
 * Operations: the gateway restart-window setting formats, `ibloop doctor`'s report and the metrics
 * route. Pure zod, shared with the web app.
 */
import { z } from 'zod';
import { DOCTOR_CODES } from './ops-texts.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" (24 h) or "off". */
export const dailyRestartSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === 'off' || HHMM.test(v), 'must be a time HH:MM (24 h) or "off"');

/** "Sun 01:00" (weekday and HH:MM) or "off". */
export const weeklyReloginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => {
    if (v === 'off') return true;
    const [day, time, ...rest] = v.split(/\s+/);
    return rest.length === 0 && WEEKDAYS.some((d) => d === day) && HHMM.test(time ?? '');
  }, 'must be a weekday and time such as "Sun 01:00", or "off"');

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine(knownTimeZone, 'must be an IANA time zone such as America/New_York');

export const DOCTOR_CHECK_IDS = [
  'gateway.reachable',
  'gateway.api',
  'gateway.client_id',
  'gateway.connectivity',
  'gateway.read_only',
  'gateway.market_data',
  'gateway.history',
  'gateway.account_mode',
  'gateway.clock',
  'database.reachable',
  'database.migrations',
  'disk.space',
  'backup.age',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECK_IDS)[number];

export const DOCTOR_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const;
export type DoctorStatus = (typeof DOCTOR_STATUSES)[number];

export const DoctorCheck = z.object({
  id: z.enum(DOCTOR_CHECK_IDS),
  status: z.enum(DOCTOR_STATUSES),
  /** UPPER_SNAKE: what was found; the UI and the CLI turn it and its params into the explanation and fix. */
  code: z.enum(DOCTOR_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorReport = z.object({
  checkedAt: z.string(),
  /** The worst status of the checks (skip counts as pass). */
  overall: z.enum(['pass', 'warn', 'fail']),
  checks: z.array(DoctorCheck),
});
export type DoctorReport = z.infer<typeof DoctorReport>;
