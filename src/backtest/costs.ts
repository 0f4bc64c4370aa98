import type { CommissionParams } from './config-schema.js';

// Declared with its schema (config-schema.ts), which is kept out of what a backtest loads.
export type { CommissionParams };

/**
 * Named schedules. `ib-tiered` is the first volume tier (up to 300,000 shares a month), which is where
 * a research account's volume stays; the lower rates of higher monthly volumes are not modelled.
 */
export const COMMISSION_PRESETS = {
  'ib-fixed': { perShare: 0.005, minimum: 1, maxFraction: 0.01 },
  'ib-tiered': { perShare: 0.0035, minimum: 0.35, maxFraction: 0.01 },
  zero: { perShare: 0, minimum: 0, maxFraction: 0 },
} as const satisfies Record<string, CommissionParams>;
export type CommissionPreset = keyof typeof COMMISSION_PRESETS;
export const COMMISSION_PRESET_NAMES = Object.keys(COMMISSION_PRESETS) as CommissionPreset[];

/** The IB-like commission of an order (`commissionSchema` says what it models) at the day's real shares and price. */
export function ibCommission(params: CommissionParams): (shares: number, price: number) => number {
  return (shares, price) => {
    if (shares === 0) return 0;
    const value = Math.abs(shares) * price;
    const raw = Math.max(params.minimum, Math.abs(shares) * params.perShare);
    return Math.min(raw, value * params.maxFraction);
  };
}
