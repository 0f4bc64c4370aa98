import { describe, expect, it } from 'vitest';
import { marketStatusAt } from '../../src/calendar/index.js';

/** New York is UTC-5 in late November (EST). */
const at = (iso: string): number => Date.parse(iso);

describe('market status', () => {
  it('is open during a regular session, closing at 16:00 New York', () => {
    expect(marketStatusAt(at('2026-11-23T15:00:00Z'))).toEqual({
      day: '2026-11-23',
      open: true,
      closedReason: null,
      earlyClose: false,
      closesAtMs: at('2026-11-23T21:00:00Z'),
      nextOpenMs: at('2026-11-24T14:30:00Z'),
      nextOpenDay: '2026-11-24',
      nextOpenEarlyClose: false,
    });
  });

  it('is closed before the open and after the close of a trading day', () => {
    const early = marketStatusAt(at('2026-11-23T13:00:00Z'));
    expect(early).toMatchObject({ open: false, closedReason: 'before_open', nextOpenDay: '2026-11-23' });
    expect(early.nextOpenMs).toBe(at('2026-11-23T14:30:00Z'));
    const late = marketStatusAt(at('2026-11-23T21:00:00Z'));
    expect(late).toMatchObject({ open: false, closedReason: 'after_close', closesAtMs: null });
    expect(late.nextOpenDay).toBe('2026-11-24');
  });

  it('is closed over a weekend, reopening on Monday', () => {
    expect(marketStatusAt(at('2026-11-21T17:00:00Z'))).toEqual({
      day: '2026-11-21',
      open: false,
      closedReason: 'weekend',
      earlyClose: false,
      closesAtMs: null,
      nextOpenMs: at('2026-11-23T14:30:00Z'),
      nextOpenDay: '2026-11-23',
      nextOpenEarlyClose: false,
    });
  });

  it('is closed on a holiday (Thanksgiving), reopening for the early-close Friday', () => {
    expect(marketStatusAt(at('2026-11-26T16:00:00Z'))).toMatchObject({
      day: '2026-11-26',
      open: false,
      closedReason: 'holiday',
      nextOpenMs: at('2026-11-27T14:30:00Z'),
      nextOpenDay: '2026-11-27',
      nextOpenEarlyClose: true,
    });
  });

  it('closes at 13:00 New York on an early-close day', () => {
    expect(marketStatusAt(at('2026-11-27T17:00:00Z'))).toMatchObject({
      open: true,
      earlyClose: true,
      closesAtMs: at('2026-11-27T18:00:00Z'),
    });
    expect(marketStatusAt(at('2026-11-27T19:00:00Z'))).toMatchObject({
      open: false,
      closedReason: 'after_close',
      earlyClose: true,
      nextOpenDay: '2026-11-30',
    });
  });
});
