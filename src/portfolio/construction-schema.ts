import { z } from 'zod';
import { constructWeights, type PortfolioConstructionModel, WEIGHTING_SCHEMES } from './construction.js';

/**
 * Construction parameters as settings give them, validated with defaults filled in. Apart from
 * construction itself (construction.ts), which takes parsed parameters, so that what only constructs
 * (every backtest rebalance, a sweep's workers) loads no schema library.
 */
export const constructionParamsSchema = z.object({
  topN: z.number().int().min(1).max(10_000).default(20),
  weighting: z.enum(WEIGHTING_SCHEMES).default('equal'),
  /** Largest weight of one name. */
  maxWeight: z.number().gt(0).max(1).default(0.1),
  /** Largest total weight of one sector; names without a sector form the sector "unknown". */
  sectorCap: z.number().gt(0).max(1).default(1),
  /** Fraction of net liquidation kept in cash. */
  cashBuffer: z.number().min(0).lt(1).default(0.02),
  /** Largest one-way turnover per rebalance, 0.5 x sum |new - old|; 1 = unlimited. */
  turnoverLimit: z.number().gt(0).max(1).default(1),
});
export type ConstructionParams = z.infer<typeof constructionParamsSchema>;

export function createConstructionModel(
  rawParams: Partial<ConstructionParams> = {},
): PortfolioConstructionModel {
  const params = constructionParamsSchema.parse(rawParams);
  return { createTargets: (input) => constructWeights(input, params) };
}
