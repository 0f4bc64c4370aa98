/**
 * Client-side pacing for historical requests, mirroring IB's rules so that error 162 does not happen
 * in normal operation: at most `maxPerWindow` requests per `windowMs` (IB: 60 per 10 minutes), fewer
 * than `burstCount` requests for one contract within `burstWindowMs` (IB: 6 within 2 s), and at least
 * `minIntervalMs` between any two requests. Identical requests are never repeated by the backfill,
 * except as a retry after a backoff longer than IB's 15 s rule would need in production.
 */
import type { Clock } from '../core/clock.js';

export interface PacingRules {
  maxPerWindow: number;
  windowMs: number;
  burstCount: number;
  burstWindowMs: number;
  minIntervalMs: number;
  /** Added to every wait: our send time and IB's receive time differ by the network and the queue. */
  safetyMs: number;
}

export const IB_HISTORICAL_PACING: PacingRules = {
  maxPerWindow: 60,
  windowMs: 10 * 60_000,
  burstCount: 6,
  burstWindowMs: 2_000,
  minIntervalMs: 0,
  safetyMs: 1_000,
};

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class RequestPacer {
  private sent: Array<{ atMs: number; contract: string }> = [];

  constructor(
    private readonly rules: PacingRules,
    private readonly wallClock: Clock,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** How long the next request for `contract` must wait (0 = may go now). */
  waitMs(contract: string): number {
    const now = this.wallClock.nowMs();
    const r = this.rules;
    this.sent = this.sent.filter(
      (s) => now - s.atMs < Math.max(r.windowMs, r.burstWindowMs, r.minIntervalMs),
    );
    let wait = 0;
    const inWindow = this.sent.filter((s) => now - s.atMs < r.windowMs);
    if (inWindow.length >= r.maxPerWindow) {
      const oldest = inWindow[inWindow.length - r.maxPerWindow] as { atMs: number };
      wait = Math.max(wait, oldest.atMs + r.windowMs - now + 1);
    }
    const burst = this.sent.filter((s) => s.contract === contract && now - s.atMs < r.burstWindowMs);
    if (burst.length >= r.burstCount - 1) {
      const oldest = burst[burst.length - (r.burstCount - 1)] as { atMs: number };
      wait = Math.max(wait, oldest.atMs + r.burstWindowMs - now + 1);
    }
    const last = this.sent.at(-1);
    if (last && r.minIntervalMs > 0) wait = Math.max(wait, last.atMs + r.minIntervalMs - now);
    return wait > 0 ? wait + r.safetyMs : 0;
  }

  /** Waits until the rules allow a request for `contract`, then records it. */
  async acquire(contract: string): Promise<void> {
    for (;;) {
      const wait = this.waitMs(contract);
      if (wait <= 0) break;
      await this.sleep(wait);
    }
    this.sent.push({ atMs: this.wallClock.nowMs(), contract });
  }
}
