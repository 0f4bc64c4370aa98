import { describe, expect, it } from 'vitest';
import {
  firstTradingDayOfWeek,
  ibHoursString,
  isHoliday,
  isOpen,
  isTradingDay,
  newYorkDay,
  nextTradingDay,
  previousTradingDay,
  session,
  sessionAt,
  tradingDayOf,
  tradingDays,
} from '../../src/calendar/index.js';

const HOUR = 3_600_000;

describe('NYSE trading days', () => {
  it.each([
    [2019, 252],
    [2020, 253],
    [2021, 252],
    [2022, 251],
    [2023, 250],
    [2024, 252],
  ])('counts the trading days of %i as %i', (year, count) => {
    expect(tradingDays(`${year}-01-01`, `${year}-12-31`)).toHaveLength(count);
  });

  it.each([
    ['2020-04-10', 'Good Friday'],
    ['2021-12-24', 'Christmas observed on Friday'],
    ['2022-06-20', 'Juneteenth observed on Monday'],
    ['2001-09-11', 'September 11'],
    ['2001-09-12', 'September 11'],
    ['2001-09-13', 'September 11'],
    ['2001-09-14', 'September 11'],
    ['2004-06-11', 'Reagan funeral'],
    ['2007-01-02', 'Ford funeral'],
    ['2012-10-29', 'Sandy'],
    ['2012-10-30', 'Sandy'],
    ['2018-12-05', 'Bush funeral'],
    ['2025-01-09', 'Carter funeral'],
    ['2017-01-02', "New Year's Day observed on Monday"],
    ['2020-01-20', 'Martin Luther King Jr. Day'],
    ['2020-02-17', "Washington's Birthday"],
    ['2020-05-25', 'Memorial Day'],
    ['2020-07-03', 'Independence Day observed on Friday'],
    ['2021-07-05', 'Independence Day observed on Monday'],
    ['2020-09-07', 'Labor Day'],
    ['2020-11-26', 'Thanksgiving'],
    ['2022-12-26', 'Christmas observed on Monday'],
    ['2027-06-18', 'Juneteenth on Saturday observed on Friday'],
    ['2030-04-19', 'Good Friday'],
  ])('closes on %s (%s)', (day) => {
    expect(isTradingDay(day)).toBe(false);
    expect(session(day)).toBeUndefined();
    expect(isHoliday(day)).toBe(true);
  });

  it.each([
    ['2021-12-31', "New Year's Day on Saturday is not observed on the Friday before"],
    ['2021-06-18', 'no Juneteenth holiday before 2022'],
    ['2019-11-29', 'day after Thanksgiving (early close)'],
    ['2012-10-31', 'reopened after Sandy'],
    ['2001-09-17', 'reopened after September 11'],
  ])('trades on %s (%s)', (day) => {
    expect(isTradingDay(day)).toBe(true);
  });

  it('does not trade on weekends and weekends are not holidays', () => {
    expect(isTradingDay('2026-11-21')).toBe(false);
    expect(isTradingDay('2026-11-22')).toBe(false);
    expect(isHoliday('2026-11-22')).toBe(false);
  });

  it('rejects malformed days', () => {
    expect(() => isTradingDay('2021-02-30')).toThrow();
    expect(() => isTradingDay('20210105')).toThrow();
  });
});

describe('published NYSE schedules', () => {
  const holidaysOf = (year: number) =>
    Array.from({ length: 366 }, (_, offset) =>
      new Date(Date.UTC(year, 0, 1 + offset)).toISOString().slice(0, 10),
    )
      .filter((day) => day.startsWith(String(year)))
      .filter((day) => isHoliday(day));
  const earlyClosesOf = (year: number) =>
    tradingDays(`${year}-01-01`, `${year}-12-31`).filter((day) => session(day)?.earlyClose);

  it.each([
    [
      2025,
      [
        '2025-01-01',
        '2025-01-09',
        '2025-01-20',
        '2025-02-17',
        '2025-04-18',
        '2025-05-26',
        '2025-06-19',
        '2025-07-04',
        '2025-09-01',
        '2025-11-27',
        '2025-12-25',
      ],
      ['2025-07-03', '2025-11-28', '2025-12-24'],
    ],
    [
      2026,
      [
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-04-03',
        '2026-05-25',
        '2026-06-19',
        '2026-07-03',
        '2026-09-07',
        '2026-11-26',
        '2026-12-25',
      ],
      ['2026-11-27', '2026-12-24'],
    ],
    [
      2027,
      [
        '2027-01-01',
        '2027-01-18',
        '2027-02-15',
        '2027-03-26',
        '2027-05-31',
        '2027-06-18',
        '2027-07-05',
        '2027-09-06',
        '2027-11-25',
        '2027-12-24',
      ],
      ['2027-11-26'],
    ],
  ])('matches the %i holidays and early closes', (year, holidays, earlyCloses) => {
    expect(holidaysOf(year)).toEqual(holidays);
    expect(earlyClosesOf(year)).toEqual(earlyCloses);
  });
});

describe('NYSE sessions', () => {
  it('opens 09:30 and closes 16:00 New York time, in winter (EST) and summer (EDT)', () => {
    const winter = session('2020-01-06');
    expect(winter && new Date(winter.openMs).toISOString()).toBe('2020-01-06T14:30:00.000Z');
    expect(winter && new Date(winter.closeMs).toISOString()).toBe('2020-01-06T21:00:00.000Z');
    const summer = session('2020-07-06');
    expect(summer && new Date(summer.openMs).toISOString()).toBe('2020-07-06T13:30:00.000Z');
    expect(summer?.earlyClose).toBe(false);
  });

  it('follows the DST switch on the second Sunday of March and the first Sunday of November', () => {
    expect(new Date(session('2021-03-12')?.openMs ?? 0).toISOString()).toBe('2021-03-12T14:30:00.000Z');
    expect(new Date(session('2021-03-15')?.openMs ?? 0).toISOString()).toBe('2021-03-15T13:30:00.000Z');
    expect(new Date(session('2021-11-05')?.openMs ?? 0).toISOString()).toBe('2021-11-05T13:30:00.000Z');
    expect(new Date(session('2021-11-08')?.openMs ?? 0).toISOString()).toBe('2021-11-08T14:30:00.000Z');
    // Before 2007 DST started on the first Sunday of April.
    expect(new Date(session('2006-03-31')?.openMs ?? 0).toISOString()).toBe('2006-03-31T14:30:00.000Z');
    expect(new Date(session('2006-04-03')?.openMs ?? 0).toISOString()).toBe('2006-04-03T13:30:00.000Z');
  });

  it.each(['2019-11-29', '2019-12-24', '2019-07-03', '2020-12-24', '2023-07-03', '2024-12-24', '2002-07-05'])(
    'closes early at 13:00 on %s',
    (day) => {
      const early = session(day);
      expect(early?.earlyClose).toBe(true);
      expect(early && early.closeMs - early.openMs).toBe(3.5 * HOUR);
    },
  );

  it.each(['2002-07-03', '2021-12-23', '2022-07-01', '2019-12-26'])('keeps full hours on %s', (day) => {
    const full = session(day);
    expect(full?.earlyClose).toBe(false);
    expect(full && full.closeMs - full.openMs).toBe(6.5 * HOUR);
  });

  it('finds the session at an instant, open inclusive and close exclusive', () => {
    const regular = session('2020-07-06');
    if (!regular) throw new Error('expected a session');
    expect(sessionAt(regular.openMs)?.day).toBe('2020-07-06');
    expect(sessionAt(regular.closeMs - 1)?.day).toBe('2020-07-06');
    expect(sessionAt(regular.openMs - 1)).toBeUndefined();
    expect(sessionAt(regular.closeMs)).toBeUndefined();
    expect(isOpen(regular.openMs + HOUR)).toBe(true);
    expect(isOpen(regular.closeMs + HOUR)).toBe(false);
  });

  it('names the New York day of an instant, not the UTC day', () => {
    // 02:00 UTC on 7 July is still 6 July in New York.
    expect(tradingDayOf(Date.parse('2020-07-07T02:00:00Z'))).toBe('2020-07-06');
    expect(newYorkDay(Date.parse('2020-07-07T05:00:00Z'))).toBe('2020-07-07');
  });
});

describe('stepping through trading days', () => {
  it('skips weekends and holidays', () => {
    expect(nextTradingDay('2020-04-09')).toBe('2020-04-13');
    expect(previousTradingDay('2020-04-13')).toBe('2020-04-09');
    expect(nextTradingDay('2001-09-10')).toBe('2001-09-17');
    expect(previousTradingDay('2022-01-03')).toBe('2021-12-31');
  });

  it('finds the first trading day of a week', () => {
    expect(firstTradingDayOfWeek('2020-01-23')).toBe('2020-01-21');
    expect(firstTradingDayOfWeek('2026-11-27')).toBe('2026-11-23');
    expect(firstTradingDayOfWeek('2026-11-29')).toBe('2026-11-23');
    expect(firstTradingDayOfWeek('2001-09-14')).toBe('2001-09-10');
  });

  it('lists trading days inclusive of both ends', () => {
    expect(tradingDays('2020-04-08', '2020-04-14')).toEqual([
      '2020-04-08',
      '2020-04-09',
      '2020-04-13',
      '2020-04-14',
    ]);
  });
});

describe('IB trading-hours strings', () => {
  it('writes sessions and closed days in IB format', () => {
    expect(ibHoursString('2026-11-25', 3, 'liquid')).toBe(
      '20261125:0930-20261125:1600;20261126:CLOSED;20261127:0930-20261127:1300',
    );
    expect(ibHoursString('2026-11-25', 1, 'trading')).toBe('20261125:0400-20261125:2000');
  });
});
