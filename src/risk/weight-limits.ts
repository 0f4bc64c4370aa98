import { z } from 'zod';
import { type RiskModel, weightLimitsModel } from './weight-limits-model.js';

export type { RiskModel, WeightsInput } from './weight-limits-model.js';

export const weightLimitsSchema = z
  .object({
    /** Largest weight of one name. */
    maxPositionWeight: z.number().gt(0).max(1),
    /** Largest total weight of one sector (names without a sector count as sector "unknown"). */
    maxSectorWeight: z.number().gt(0).max(1),
    /** Largest sum of absolute weights. */
    maxGrossExposure: z.number().gt(0).max(2),
  })
  .strip();

export type WeightLimits = z.infer<typeof weightLimitsSchema>;

/** Validates the limits, then `weightLimitsModel`. */
export function createWeightLimits(rawLimits: WeightLimits): RiskModel {
  return weightLimitsModel(weightLimitsSchema.parse(rawLimits));
}
