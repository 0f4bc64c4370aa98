import type { Clock } from '../../core/clock.js';

export interface LoginThrottleOptions {
  /** Failures from one address before it has to wait. */
  addressFreeFailures: number;
  /** First wait of an address; doubles with each further failure. */
  addressBaseMs: number;
  addressMaxMs: number;
  /** Failures on one account (from any address) before its attempts are slowed. */
  accountFreeFailures: number;
  accountBaseDelayMs: number;
  accountMaxDelayMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  addressFreeFailures: 5,
  addressBaseMs: 1_000,
  addressMaxMs: 15 * 60_000,
  accountFreeFailures: 10,
  accountBaseDelayMs: 250,
  accountMaxDelayMs: 5_000,
  forgetAfterMs: 60 * 60_000,
};

export type ThrottleDecision = { refused: true; retryAfterMs: number } | { refused: false; delayMs: number };

interface Failures {
  count: number;
  lastMs: number;
}

const MAX_KEYS = 10_000;

/**
 * Login back-off. An address that keeps failing is refused for a doubling time (it is the attacker's
 * own address, so this can't lock the owner out from elsewhere). An account that keeps failing from
 * many addresses is only slowed (each attempt waits a doubling, capped delay), never refused: the
 * owner still gets in, and a distributed guesser pays seconds per guess on top of scrypt.
 * Unknown user names are never keyed, so a password typed as a name is not kept even in memory.
 */
export class LoginThrottle {
  private readonly addresses = new Map<string, Failures>();
  private readonly accounts = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  before(address: string, account: string): ThrottleDecision {
    const now = this.clock.nowMs();
    const o = this.options;
    const byAddress = this.current(this.addresses, address, now);
    if (byAddress && byAddress.count >= o.addressFreeFailures) {
      const wait = backoff(o.addressBaseMs, byAddress.count - o.addressFreeFailures, o.addressMaxMs);
      const until = byAddress.lastMs + wait;
      if (until > now) return { refused: true, retryAfterMs: until - now };
    }
    const byAccount = this.current(this.accounts, account, now);
    if (byAccount && byAccount.count >= o.accountFreeFailures) {
      const delay = backoff(
        o.accountBaseDelayMs,
        byAccount.count - o.accountFreeFailures,
        o.accountMaxDelayMs,
      );
      return { refused: false, delayMs: delay };
    }
    return { refused: false, delayMs: 0 };
  }

  /** `account` only when the name is a real user. */
  failed(address: string, account: string | undefined): void {
    const now = this.clock.nowMs();
    this.bump(this.addresses, address, now);
    if (account !== undefined) this.bump(this.accounts, account, now);
  }

  succeeded(address: string, account: string): void {
    this.addresses.delete(address);
    this.accounts.delete(account);
  }

  private current(map: Map<string, Failures>, key: string, now: number): Failures | undefined {
    const entry = map.get(key);
    if (entry && now - entry.lastMs > this.options.forgetAfterMs) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private bump(map: Map<string, Failures>, key: string, now: number): void {
    const entry = this.current(map, key, now);
    map.delete(key);
    map.set(key, { count: (entry?.count ?? 0) + 1, lastMs: now });
    if (map.size > MAX_KEYS) this.prune(map, now);
  }

  private prune(map: Map<string, Failures>, now: number): void {
    for (const [key, entry] of map) {
      if (now - entry.lastMs > this.options.forgetAfterMs) map.delete(key);
    }
    // Still full (a flood of fresh addresses): drop the oldest, which are first in insertion order.
    for (const key of map.keys()) {
      if (map.size <= MAX_KEYS) break;
      map.delete(key);
    }
  }
}

function backoff(baseMs: number, step: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(step, 30));
}
