import { z } from 'zod';

/**
 * IB-like fixed-rate commission (IBKR Pro "Fixed", US stocks): per share, with a minimum per order and
 * a maximum as a fraction of trade value. Exchange and regulatory fees are left out.
 */
export const commissionSchema = z.object({
  perShare: z.number().min(0).default(0.005),
  minimum: z.number().min(0).default(1),
  maxFraction: z.number().min(0).default(0.01),
});
export type CommissionParams = z.infer<typeof commissionSchema>;

export function ibCommission(params: CommissionParams): (shares: number, price: number) => number {
  return (shares, price) => {
    if (shares === 0) return 0;
    const value = Math.abs(shares) * price;
    const raw = Math.max(params.minimum, Math.abs(shares) * params.perShare);
    return Math.min(raw, value * params.maxFraction);
  };
}
