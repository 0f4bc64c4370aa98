import { z } from 'zod';

/**
 * IB-like commission (IBKR Pro, US stocks): per share, with a minimum per order and a maximum as a
 * fraction of trade value, charged on the real share count and price of the day (never on
 * split-adjusted units, where a 2002 AAPL share is worth $0.38). Exchange and regulatory fees are left
 * out.
 */
export const commissionSchema = z.object({
  perShare: z.number().min(0).default(0.005),
  minimum: z.number().min(0).default(1),
  maxFraction: z.number().min(0).default(0.01),
});
export type CommissionParams = z.infer<typeof commissionSchema>;

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

export function ibCommission(params: CommissionParams): (shares: number, price: number) => number {
  return (shares, price) => {
    if (shares === 0) return 0;
    const value = Math.abs(shares) * price;
    const raw = Math.max(params.minimum, Math.abs(shares) * params.perShare);
    return Math.min(raw, value * params.maxFraction);
  };
}
