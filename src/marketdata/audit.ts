/**
 * Completeness of stored IB bars against the NYSE calendar: which sessions are expected in a window,
 * which are present, and the gaps (missing days as ranges; for minute bars also partial days).
 */
import { newYorkDay, session, tradingDays } from '../calendar/index.js';
import type { IbBarStore } from './bar-store.js';
import type { IbBarSize } from './bars.js';

export interface PartialDay {
  day: string;
  present: number;
  expected: number;
}

export interface BarAudit {
  source: 'ib';
  symbol: string;
  barSize: IbBarSize;
  from: string;
  to: string;
  expectedSessions: number;
  presentSessions: number;
  completeness: number;
  missingDays: string[];
  /** Consecutive missing sessions as [first, last]. */
  gaps: Array<{ from: string; to: string; sessions: number }>;
  partialDays: PartialDay[];
  bars: number;
}

let lastSessions: { from: string; to: string; sessions: Array<{ day: string; closeMs: number }> } | undefined;

/** The window's sessions; the last window is kept, as a check audits every symbol over one window. */
function sessionsOf(from: string, to: string): Array<{ day: string; closeMs: number }> {
  if (lastSessions?.from !== from || lastSessions.to !== to) {
    const sessions: Array<{ day: string; closeMs: number }> = [];
    for (const day of tradingDays(from, to)) {
      const s = session(day);
      if (s) sessions.push({ day, closeMs: s.closeMs });
    }
    lastSessions = { from, to, sessions };
  }
  return lastSessions.sessions;
}

export function auditBars(
  store: IbBarStore,
  symbol: string,
  barSize: IbBarSize,
  from: string,
  to: string,
  nowMs: number,
): BarAudit {
  const upper = symbol.toUpperCase();
  // Only sessions that have closed can be expected to be complete.
  const expected = sessionsOf(from, to)
    .filter((s) => s.closeMs <= nowMs)
    .map((s) => s.day);
  const bars = store.read(upper, barSize);
  // A day before the window cannot count: skip its bars without naming their day (a day earlier
  // than `from` at 00:00 UTC covers New York's offset for minute bars).
  const windowStartMs = Date.parse(`${from}T00:00:00Z`) - 86_400_000;
  const perDay = new Map<string, number>();
  for (let i = 0; i < bars.length; i++) {
    const t = bars.timeMs[i] as number;
    if (t < windowStartMs) continue;
    const day = barSize === '1 day' ? new Date(t).toISOString().slice(0, 10) : newYorkDay(t);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const missingDays: string[] = [];
  const partialDays: PartialDay[] = [];
  let present = 0;
  let inWindow = 0;
  for (const day of expected) {
    const count = perDay.get(day) ?? 0;
    inWindow += count;
    if (count === 0) {
      missingDays.push(day);
      continue;
    }
    present += 1;
    if (barSize === '1 min') {
      const s = session(day);
      const want = s ? Math.round((s.closeMs - s.openMs) / 60_000) : 0;
      if (count < want) partialDays.push({ day, present: count, expected: want });
    }
  }
  const gaps: BarAudit['gaps'] = [];
  const index = new Map(expected.map((d, i) => [d, i]));
  for (const day of missingDays) {
    const last = gaps.at(-1);
    const i = index.get(day) ?? -1;
    if (last && index.get(last.to) === i - 1) {
      last.to = day;
      last.sessions += 1;
    } else gaps.push({ from: day, to: day, sessions: 1 });
  }
  return {
    source: 'ib',
    symbol: upper,
    barSize,
    from,
    to,
    expectedSessions: expected.length,
    presentSessions: present,
    completeness: expected.length === 0 ? 1 : present / expected.length,
    missingDays,
    gaps,
    partialDays,
    bars: inWindow,
  };
}
