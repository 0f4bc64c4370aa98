/**
 * Date/time texts in the formats TWS uses on the wire. Formatting goes through Intl so any IANA
 * zone (or IB's legacy names such as `US/Eastern`, which are IANA links) works.
 */

import { localParts } from '../core/time-zone.js';

export { isKnownTimeZone, localParts, zonedToUtcMs, zoneOffsetMs } from '../core/time-zone.js';

/** `yyyyMMdd HH:mm:ss EST`: the handshake's connection time. */
export function connectionTimeText(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.date} ${p.time} ${p.zoneAbbreviation}`;
}

/** `yyyyMMdd HH:mm:ss US/Eastern`: execution and bar times of current TWS versions. */
export function zonedDateTimeText(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.date} ${p.time} ${timeZone}`;
}
