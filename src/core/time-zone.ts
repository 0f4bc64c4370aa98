/**
 * Wall-clock conversions for any IANA zone (and IB's legacy names such as `US/Eastern`, which are
 * IANA links), through Intl: the platform's tz database, no library needed.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface LocalParts {
  date: string; // yyyyMMdd
  time: string; // HH:mm:ss
  zoneAbbreviation: string;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    date: `${parts.year}${parts.month}${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    zoneAbbreviation: parts.timeZoneName ?? timeZone,
  };
}

/** Offset of a zone at an instant (local minus UTC) in ms. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(
    Number(p.date.slice(0, 4)),
    Number(p.date.slice(4, 6)) - 1,
    Number(p.date.slice(6, 8)),
    Number(p.time.slice(0, 2)),
    Number(p.time.slice(3, 5)),
    Number(p.time.slice(6, 8)),
  );
  return asUtc - (ms - (ms % 1000));
}

/** The instant at which the given local wall time occurs in a zone. */
export function zonedToUtcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  timeZone: string,
): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes settle the offset even next to a DST transition.
  let guess = naive - zoneOffsetMs(naive, timeZone);
  guess = naive - zoneOffsetMs(guess, timeZone);
  return guess;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
