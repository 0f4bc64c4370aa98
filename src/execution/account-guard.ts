import { maskSecret } from '../config/index.js';

export type TradingMode = 'paper' | 'live';

/** IB's paper accounts start with DU; every other account moves real money. */
export function isPaperAccount(account: string): boolean {
  return account.toUpperCase().startsWith('DU');
}

export interface AccountCheck {
  /** The account orders go to, when `problem` is null. */
  account: string | null;
  problem: string | null;
}

/**
 * Decides which account may be traded: the configured one only if the gateway manages it, and only
 * if it is of the configured mode (paper: DU..., live: anything else). Without a configured account
 * the first managed account of the mode is used. Problems name both sides, masked.
 */
export function checkTradingAccount(
  mode: TradingMode,
  configured: string | undefined,
  managed: readonly string[],
): AccountCheck {
  const list = managed.map(maskSecret).join(', ');
  if (managed.length === 0) return { account: null, problem: 'the gateway has not named its accounts yet' };
  if (configured !== undefined && !managed.includes(configured)) {
    return {
      account: null,
      problem: `the gateway is logged into ${list}, not the configured account ${maskSecret(configured)} (IB_ACCOUNT)`,
    };
  }
  const account = configured ?? managed.find((a) => isPaperAccount(a) === (mode === 'paper'));
  if (account === undefined) {
    return { account: null, problem: `mode is ${mode} but the gateway offers only ${list}` };
  }
  if (isPaperAccount(account) !== (mode === 'paper')) {
    return {
      account: null,
      problem:
        mode === 'paper'
          ? `mode is paper but account ${maskSecret(account)} is a live account (paper accounts start with DU)`
          : `mode is live but account ${maskSecret(account)} is a paper account (starts with DU)`,
    };
  }
  return { account, problem: null };
}
