import { describe, expect, it } from 'vitest';
import { checkMode, formatIbUtc, maskAccount, parseIbTime } from '../../src/brokerage/ib/index.js';

describe('IB decoding helpers', () => {
  it('parses the time formats IB sends', () => {
    expect(parseIbTime('1764000000')).toBe(1_764_000_000_000);
    expect(parseIbTime('20261124')).toBe(Date.UTC(2026, 10, 24));
    expect(parseIbTime('20261124-15:30:00')).toBe(Date.UTC(2026, 10, 24, 15, 30));
    // New York is UTC-5 in November and UTC-4 in July.
    expect(parseIbTime('20261124 10:30:00 US/Eastern')).toBe(Date.UTC(2026, 10, 24, 15, 30));
    expect(parseIbTime('20260715  09:30:00 America/New_York')).toBe(Date.UTC(2026, 6, 15, 13, 30));
    expect(parseIbTime('20260715 09:30:00')).toBe(Date.UTC(2026, 6, 15, 13, 30));
    expect(parseIbTime('finished-20260101')).toBeUndefined();
    expect(formatIbUtc(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('20260102-03:04:05');
  });

  it('masks account ids', () => {
    expect(maskAccount('DU1234567')).toBe('DU****67');
    expect(maskAccount('U123')).toBe('****');
  });

  it('checks the account against the mode', () => {
    expect(checkMode('paper', undefined, ['DU1234567'])).toEqual({
      ok: true,
      account: 'DU1234567',
      reason: null,
      reasonCode: null,
    });
    expect(checkMode('live', undefined, ['U7654321'])).toEqual({
      ok: true,
      account: 'U7654321',
      reason: null,
      reasonCode: null,
    });
    expect(checkMode('paper', undefined, ['U7654321']).reason).toBe(
      'mode is paper but IB reports only live accounts (U7****21)',
    );
    expect(checkMode('live', 'DU1234567', ['DU1234567']).reason).toMatch(
      /mode is live but account DU\*+67 is a paper/,
    );
    expect(checkMode('paper', 'DU9999999', ['DU1234567']).reason).toMatch(
      /not among the accounts IB reports/,
    );
    expect(checkMode('paper', undefined, ['DU1', 'DU2']).reason).toMatch(/several paper accounts/);
    expect(checkMode('paper', undefined, []).ok).toBe(false);
  });
});
