import { describe, expect, it } from 'vitest';
import { createWeightLimits } from '../../src/risk/index.js';

const limits = { maxPositionWeight: 0.3, maxSectorWeight: 0.5, maxGrossExposure: 0.9 };

function adjust(weights: number[], sectors?: (string | undefined)[], custom = limits) {
  const model = createWeightLimits(custom);
  return Array.from(
    model.adjustWeights({
      symbols: weights.map((_, i) => `S${i}`),
      weights: Float64Array.from(weights),
      sectors,
    }),
  );
}

describe('weight limits (risk stage)', () => {
  it('leaves weights inside every limit unchanged', () => {
    expect(adjust([0.2, 0.2, 0.2], ['a', 'b', 'c'])).toEqual([0.2, 0.2, 0.2]);
  });

  it('caps a single name and keeps the rest in cash', () => {
    expect(adjust([0.6, 0.1], ['a', 'b'])).toEqual([0.3, 0.1]);
  });

  it('scales a sector above its cap pro rata, names without a sector forming one sector', () => {
    const out = adjust([0.3, 0.3, 0.2, 0.05], ['tech', 'tech', undefined, undefined]);
    expect(out[0]).toBeCloseTo(0.25, 12);
    expect(out[1]).toBeCloseTo(0.25, 12);
    expect(out.slice(2)).toEqual([0.2, 0.05]);
  });

  it('scales everything down to the gross exposure cap, never up', () => {
    const out = adjust([0.3, 0.3, 0.3, 0.3], ['a', 'b', 'c', 'd']);
    expect(out.reduce((s, w) => s + w, 0)).toBeCloseTo(0.9, 12);
    expect(out.every((w) => Math.abs(w - 0.225) < 1e-12)).toBe(true);
    expect(adjust([0.1], ['a'])).toEqual([0.1]);
  });

  it('refuses limits out of range, naming the field', () => {
    expect(() => createWeightLimits({ ...limits, maxPositionWeight: 0 })).toThrow(/maxPositionWeight/);
  });
});
