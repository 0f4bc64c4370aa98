import { maskSecret } from '../config/index.js';
import type { IbReason } from '../contract/ib.js';

export type TradingMode = 'paper' | 'live';

/** IB's paper accounts start with DU; every other account moves real money. */
export function isPaperAccount(account: string): boolean {
  return account.toUpperCase().startsWith('DU');
}

export interface AccountCheck {
  /** The account orders go to, when `problem` is null. */
  account: string | null;
  /** In English (logs, API users). */
  problem: string | null;
  /** The problem as IB's reason code, rendered in the reader's language (src/contract/ib-reason-texts.ts). */
  reasonCode: IbReason | null;
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
  const masked = managed.map(maskSecret);
  const list = masked.join(', ');
  if (managed.length === 0)
    return {
      account: null,
      problem: 'the gateway has not named its accounts yet',
      reasonCode: { code: 'accounts-pending' },
    };
  if (configured !== undefined && !managed.includes(configured)) {
    return {
      account: null,
      problem: `the gateway is logged into ${list}, not the configured account ${maskSecret(configured)} (IB_ACCOUNT)`,
      reasonCode: { code: 'account-not-reported', account: maskSecret(configured), reported: masked },
    };
  }
  const account = configured ?? managed.find((a) => isPaperAccount(a) === (mode === 'paper'));
  if (account === undefined) {
    return {
      account: null,
      problem: `mode is ${mode} but the gateway offers only ${list}`,
      reasonCode: { code: 'no-account-for-mode', mode, accounts: masked },
    };
  }
  if (isPaperAccount(account) !== (mode === 'paper')) {
    return {
      account: null,
      problem:
        mode === 'paper'
          ? `mode is paper but account ${maskSecret(account)} is a live account (paper accounts start with DU)`
          : `mode is live but account ${maskSecret(account)} is a paper account (starts with DU)`,
      reasonCode: { code: 'account-wrong-mode', mode, account: maskSecret(account) },
    };
  }
  return { account, problem: null, reasonCode: null };
}
