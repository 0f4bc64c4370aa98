import { describe, expect, it } from 'vitest';
import { manualWindow, nextWindows, weeklyWindow } from '../../src/pipeline/index.js';
import { projectParamsSchema } from '../../src/projects/index.js';

const params = (weekday = 1, minutesAfterOpen = 30, windowCloseMinutesBeforeClose = 30) =>
  projectParamsSchema.parse({
    themeIds: [1],
    schedule: { weekday, minutesAfterOpen },
    pipeline: { windowCloseMinutesBeforeClose },
  });

const iso = (ms: number) => new Date(ms).toISOString();

describe('weekly fire times from the NYSE calendar', () => {
  it('fires on the weekday, N minutes after the open', () => {
    const w = weeklyWindow('2026-01-14', params(1, 30));
    expect(w?.tradingDate).toBe('2026-01-12');
    expect(iso(w!.fireMs)).toBe('2026-01-12T15:00:00.000Z');
    expect(iso(w!.windowEndMs)).toBe('2026-01-12T20:30:00.000Z');
  });

  it('a Monday holiday (2026-01-19, Martin Luther King Day) moves the run to Tuesday', () => {
    const w = weeklyWindow('2026-01-19', params(1, 30));
    expect(w?.tradingDate).toBe('2026-01-20');
    expect(iso(w!.fireMs)).toBe('2026-01-20T15:00:00.000Z');
  });

  it('an early close shortens the window (the day after Thanksgiving closes at 13:00)', () => {
    const w = weeklyWindow('2026-11-27', params(5, 30, 30));
    expect(w?.tradingDate).toBe('2026-11-27');
    expect(w?.earlyClose).toBe(true);
    expect(iso(w!.windowEndMs)).toBe('2026-11-27T17:30:00.000Z');
  });

  it('a fire time past an early close window is pulled back to the window end', () => {
    const w = weeklyWindow('2026-11-27', params(5, 240, 30));
    expect(w!.fireMs).toBe(w!.windowEndMs);
  });

  it('follows daylight saving time (the open is 13:30 UTC in summer)', () => {
    const w = weeklyWindow('2026-07-08', params(3, 0));
    expect(iso(w!.fireMs)).toBe('2026-07-08T13:30:00.000Z');
  });

  it('lists the next fire times, skipping a window that already closed', () => {
    const from = Date.parse('2026-01-12T21:00:00Z');
    const next = nextWindows(from, params(1, 30), 3).map((w) => w.tradingDate);
    expect(next).toEqual(['2026-01-20', '2026-01-26', '2026-02-02']);
  });

  it('a manual run while the market is closed trades at the next session', () => {
    const w = manualWindow(Date.parse('2026-01-17T15:00:00Z'), params(1, 30));
    expect(w.tradingDate).toBe('2026-01-20');
    expect(iso(w.fireMs)).toBe('2026-01-20T15:00:00.000Z');
    const open = manualWindow(Date.parse('2026-01-13T15:10:00Z'), params(1, 30));
    expect(open.tradingDate).toBe('2026-01-13');
    expect(iso(open.fireMs)).toBe('2026-01-13T15:10:00.000Z');
  });
});
