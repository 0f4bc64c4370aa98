import type { Clock } from '../core/clock.js';
import { isKnownTimeZone, zonedToUtcMs } from './time-format.js';

export class HistoryRequestError extends Error {
  override name = 'HistoryRequestError';
}

const DURATION_UNIT_SEC: Record<string, number> = {
  S: 1,
  D: 86_400,
  W: 7 * 86_400,
  M: 30 * 86_400,
  Y: 365 * 86_400,
};

/** `3600 S`, `30 D`, `1 W`, `6 M`, `1 Y` -> seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s+([SDWMY])$/.exec(text.trim().toUpperCase());
  if (!match) throw new HistoryRequestError(`Invalid duration "${text}"`);
  const count = Number(match[1]);
  if (count <= 0) throw new HistoryRequestError(`Invalid duration "${text}"`);
  return count * (DURATION_UNIT_SEC[match[2] ?? 'S'] ?? 1);
}

const BAR_SIZES: Record<string, number> = {
  '1 min': 60,
  '2 mins': 120,
  '3 mins': 180,
  '5 mins': 300,
  '10 mins': 600,
  '15 mins': 900,
  '20 mins': 1200,
  '30 mins': 1800,
  '1 hour': 3600,
  '2 hours': 7200,
  '3 hours': 10_800,
  '4 hours': 14_400,
  '8 hours': 28_800,
  '1 day': 86_400,
};

export function parseBarSize(text: string): number {
  const normalized = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const seconds = BAR_SIZES[normalized] ?? BAR_SIZES[normalized.replace(/^1 (min|hour)s$/, '1 $1')];
  if (seconds === undefined) throw new HistoryRequestError(`Invalid bar size "${text}"`);
  return seconds;
}

/**
 * End time of a request: empty = now; `yyyyMMdd HH:mm:ss` (in `defaultZone`);
 * `yyyyMMdd HH:mm:ss <zone>`; `yyyyMMdd-HH:mm:ss` (UTC); `yyyyMMdd` (end of that day).
 */
export function parseEndTime(text: string, nowMs: number, defaultZone: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return nowMs;
  const utc = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(trimmed);
  if (utc) {
    const [, y, mo, d, h, mi, s] = utc.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return Date.UTC(y, mo - 1, d, h, mi, s);
  }
  const zoned = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2}))?(?:\s+(\S+))?$/.exec(trimmed);
  if (!zoned) throw new HistoryRequestError(`Invalid end date/time "${text}"`);
  const zone = zoned[7] ?? defaultZone;
  if (!isKnownTimeZone(zone)) throw new HistoryRequestError(`Invalid time zone "${zone}"`);
  const num = (i: number, fallback: number) => (zoned[i] === undefined ? fallback : Number(zoned[i]));
  const hasTime = zoned[4] !== undefined;
  return zonedToUtcMs(
    num(1, 0),
    num(2, 1),
    num(3, 1),
    hasTime ? num(4, 0) : 23,
    hasTime ? num(5, 0) : 59,
    hasTime ? num(6, 0) : 59,
    zone,
  );
}

export interface PacingRules {
  enabled: boolean;
  identicalWindowMs: number;
  /** The `burstCount`-th request for one contract inside `burstWindowMs` is refused. */
  burstCount: number;
  burstWindowMs: number;
  maxPerWindow: number;
  windowMs: number;
}

export const DEFAULT_PACING: PacingRules = {
  enabled: true,
  identicalWindowMs: 15_000,
  burstCount: 6,
  burstWindowMs: 2_000,
  maxPerWindow: 60,
  windowMs: 10 * 60_000,
};

interface PacedRequest {
  atMs: number;
  key: string;
  contractKey: string;
}

/** IB's historical-data pacing rules, on wall-clock time. */
export class HistoryPacer {
  private recent: PacedRequest[] = [];

  constructor(
    private readonly rules: PacingRules,
    private readonly clock: Clock,
  ) {}

  /** Records the request and returns the violation text, or undefined when it may run. */
  check(key: string, contractKey: string): string | undefined {
    if (!this.rules.enabled) return undefined;
    const now = this.clock.nowMs();
    const horizon = Math.max(this.rules.windowMs, this.rules.identicalWindowMs, this.rules.burstWindowMs);
    this.recent = this.recent.filter((r) => now - r.atMs < horizon);
    const violation = this.violation(now, key, contractKey);
    if (!violation) this.recent.push({ atMs: now, key, contractKey });
    return violation;
  }

  private violation(now: number, key: string, contractKey: string): string | undefined {
    if (this.recent.some((r) => r.key === key && now - r.atMs < this.rules.identicalWindowMs)) {
      return 'Historical Market Data Service error message:Pacing violation (identical request within 15 seconds)';
    }
    const burst = this.recent.filter(
      (r) => r.contractKey === contractKey && now - r.atMs < this.rules.burstWindowMs,
    );
    if (burst.length + 1 >= this.rules.burstCount) {
      return 'Historical Market Data Service error message:Pacing violation (too many requests for one contract within 2 seconds)';
    }
    const inWindow = this.recent.filter((r) => now - r.atMs < this.rules.windowMs).length;
    if (inWindow + 1 > this.rules.maxPerWindow) {
      return 'Historical Market Data Service error message:Pacing violation (more than 60 requests within 10 minutes)';
    }
    return undefined;
  }
}
