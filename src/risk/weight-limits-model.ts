import type { WeightLimits } from './weight-limits.js';

export interface WeightsInput {
  symbols: readonly string[];
  weights: Float64Array;
  sectors?: readonly (string | undefined)[];
}

/**
 * The risk stage between portfolio construction and sizing (Lean's IRiskManagementModel), one method.
 * Backtests and live trading use the same one, so a live trade date can be reproduced by a backtest.
 */
export interface RiskModel {
  adjustWeights(input: WeightsInput): Float64Array;
}

/**
 * Pre-trade weight limits. They only ever cut (what is cut stays in cash), so a target that passes
 * the limits comes out unchanged: cap each name, then each sector pro rata, then gross exposure.
 *
 * Takes validated limits (`createWeightLimits` validates): a sweep's workers apply the limits the sweep
 * validated without loading a schema library.
 */
export function weightLimitsModel(limits: WeightLimits): RiskModel {
  return {
    adjustWeights({ weights, sectors }) {
      const out = Float64Array.from(
        weights,
        (w) => Math.sign(w) * Math.min(Math.abs(w), limits.maxPositionWeight),
      );
      const bySector = new Map<string, number>();
      out.forEach((w, i) => {
        const sector = sectors?.[i] || 'unknown';
        bySector.set(sector, (bySector.get(sector) ?? 0) + Math.abs(w));
      });
      out.forEach((w, i) => {
        const total = bySector.get(sectors?.[i] || 'unknown') ?? 0;
        if (total > limits.maxSectorWeight) out[i] = w * (limits.maxSectorWeight / total);
      });
      const gross = out.reduce((sum, w) => sum + Math.abs(w), 0);
      if (gross > limits.maxGrossExposure) {
        const scale = limits.maxGrossExposure / gross;
        for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
      }
      return out;
    },
  };
}
