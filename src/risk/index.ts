export {
  createWeightLimits,
  type RiskModel,
  type WeightLimits,
  type WeightsInput,
  weightLimitsSchema,
} from './weight-limits.js';
