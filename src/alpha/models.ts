import { z } from 'zod';
import { seededRandom } from '../core/random.js';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.js';
import { binOf, gbtModel, modelFromState, ridgeModel, ruleModel } from './model-scorers.js';

/**
 * Model families behind one interface: `fit(training set) -> model`, `model.score(features) -> scores`.
 * Inputs are the dataset's rank-normalised features (one row of FEATURE_COUNT values per symbol), the
 * target is the forward 1-week return rank. A fitted model is plain data (`state`), so it can be stored
 * in the registry and scored again later on any date.
 */
export interface TrainingSet {
  /** Row-major `n x width`. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  /** Columns per row: FEATURE_COUNT, plus one per expression feature of the dataset. */
  readonly width: number;
}

export interface FittedModel {
  readonly state: ModelState;
  /** Scores `n` rows of `x` (row-major `n x width` of the training set); higher = more attractive. */
  score(x: Float64Array, n: number): Float64Array;
  /**
   * Set when a row's score is its input in this column, unchanged (the rule model): scoring a dataset
   * may then read that one normalised column instead of copying whole rows (see walkforward.ts).
   */
  readonly column?: number;
}

export interface ModelFamily<P> {
  readonly name: ModelFamilyName;
  readonly paramsSchema: z.ZodType<P, unknown>;
  /** False when `fit` ignores the samples (the rule model): training then only counts them. */
  readonly learns: boolean;
  fit(train: TrainingSet, params: P, seed: number): FittedModel;
}

export const MODEL_FAMILIES = ['rule', 'ridge', 'gbt'] as const;
export type ModelFamilyName = (typeof MODEL_FAMILIES)[number];

// ---------------------------------------------------------------------------------------------------
// Rule-based factor ranking: the baseline. Scores by one feature (26-week momentum by default).

export const ruleParamsSchema = z.object({ feature: z.enum(FEATURE_NAMES).default('mom_26w') });
export type RuleParams = z.infer<typeof ruleParamsSchema>;

/** Inputs per row; absent in states written before expression features (the built-in ones only). */
const widthSchema = z.number().int().min(FEATURE_COUNT).optional();
const widthOf = (train: TrainingSet) => (train.width === FEATURE_COUNT ? {} : { width: train.width });

const ruleStateSchema = z.object({
  family: z.literal('rule'),
  featureIndex: z.number().int().min(0),
  width: widthSchema,
});

export const ruleFamily: ModelFamily<RuleParams> = {
  name: 'rule',
  paramsSchema: ruleParamsSchema,
  learns: false,
  fit: (train, params) =>
    ruleModel({ family: 'rule', featureIndex: FEATURE_NAMES.indexOf(params.feature), ...widthOf(train) }),
};

// ---------------------------------------------------------------------------------------------------
// Ridge regression: minimises |y - b0 - Xb|^2 + lambda |b|^2 (intercept not penalised), solved from the
// normal equations with a Cholesky factorisation; 10 x 10 is tiny, so this is exact and instant.

export const ridgeParamsSchema = z.object({ lambda: z.number().min(0).default(10) });
export type RidgeParams = z.infer<typeof ridgeParamsSchema>;

const ridgeStateSchema = z.object({
  family: z.literal('ridge'),
  intercept: z.number(),
  /** One per input column: the width is their count. */
  coefficients: z.array(z.number()).min(FEATURE_COUNT),
});

export function solveRidge(
  train: TrainingSet,
  lambda: number,
): { intercept: number; coefficients: number[] } {
  const width = train.width;
  const p = width + 1; // column 0 is the intercept
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < train.n; i++) {
    row[0] = 1;
    for (let f = 0; f < width; f++) row[f + 1] = train.x[i * width + f]!;
    const y = train.y[i]!;
    for (let r = 0; r < p; r++) {
      b[r] = b[r]! + row[r]! * y;
      for (let c = 0; c <= r; c++) a[r * p + c] = a[r * p + c]! + row[r]! * row[c]!;
    }
  }
  for (let r = 1; r < p; r++) a[r * p + r] = a[r * p + r]! + lambda;
  // A tiny ridge on the intercept keeps an empty or constant training set solvable.
  a[0] = a[0]! + 1e-9;
  // Cholesky: A = L L^T, lower triangle in place.
  for (let j = 0; j < p; j++) {
    let diagonal = a[j * p + j]!;
    for (let k = 0; k < j; k++) diagonal -= a[j * p + k]! ** 2;
    if (diagonal <= 0) throw new Error('ridge: normal matrix is not positive definite (increase lambda)');
    const l = Math.sqrt(diagonal);
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let sum = a[i * p + j]!;
      for (let k = 0; k < j; k++) sum -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = sum / l;
    }
  }
  const z1 = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= a[i * p + k]! * z1[k]!;
    z1[i] = sum / a[i * p + i]!;
  }
  const beta = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = z1[i]!;
    for (let k = i + 1; k < p; k++) sum -= a[k * p + i]! * beta[k]!;
    beta[i] = sum / a[i * p + i]!;
  }
  return { intercept: beta[0]!, coefficients: Array.from(beta.subarray(1)) };
}

export const ridgeFamily: ModelFamily<RidgeParams> = {
  name: 'ridge',
  paramsSchema: ridgeParamsSchema,
  learns: true,
  fit: (train, params) => ridgeModel({ family: 'ridge', ...solveRidge(train, params.lambda) }),
};

// ---------------------------------------------------------------------------------------------------
// Gradient-boosted trees, histogram-based (as in LightGBM), squared loss, fixed-depth trees grown
// level by level. Written here because no maintained, dependency-free JS GBT library fits (the known
// ones are unmaintained, slow on typed arrays, or native/Python bindings). Inputs are ranks in
// (-0.5, 0.5), so the bins are fixed equal-width slices of that range: no quantile sketch needed, and
// training and scoring bin identically.

export const gbtParamsSchema = z.object({
  trees: z.number().int().min(1).max(2000).default(60),
  depth: z.number().int().min(1).max(8).default(3),
  learningRate: z.number().positive().max(1).default(0.1),
  bins: z.number().int().min(2).max(255).default(32),
  minLeaf: z.number().int().min(1).default(100),
  l2: z.number().min(0).default(1),
  subsample: z.number().positive().max(1).default(0.5),
});
export type GbtParams = z.infer<typeof gbtParamsSchema>;

const treeSchema = z.object({
  /** Split feature per internal node of a complete binary tree (heap order); -1 = no split (go left). */
  feature: z.array(z.number().int()),
  /** Samples with bin <= threshold go left. */
  threshold: z.array(z.number().int()),
  leaf: z.array(z.number()),
});
const gbtStateSchema = z.object({
  family: z.literal('gbt'),
  depth: z.number().int(),
  bins: z.number().int(),
  base: z.number(),
  trees: z.array(treeSchema),
  width: widthSchema,
});
type GbtState = z.infer<typeof gbtStateSchema>;

export function fitGbt(train: TrainingSet, params: GbtParams, seed: number): GbtState {
  const { n } = train;
  const { depth, bins, minLeaf, l2, learningRate } = params;
  const F = train.width;
  const binned = new Uint8Array(n * F);
  for (let i = 0; i < n * F; i++) binned[i] = binOf(train.x[i]!, bins);
  let base = 0;
  for (let i = 0; i < n; i++) base += train.y[i]!;
  base = n > 0 ? base / n : 0;
  const prediction = new Float64Array(n).fill(base);
  const gradient = new Float64Array(n);
  const nodeOf = new Int32Array(n);
  const random = seededRandom(seed);
  const sample = new Int32Array(n);
  const internal = (1 << depth) - 1;
  const maxNodesPerLevel = 1 << (depth - 1);
  // Interleaved [gradient sum, count] per (node, feature, bin): one cache line per update.
  const hist = new Float64Array(maxNodesPerLevel * F * bins * 2);
  const nodeSum = new Float64Array(1 << depth);
  const nodeCount = new Float64Array(1 << depth);
  const trees: GbtState['trees'] = [];

  for (let treeIndex = 0; treeIndex < params.trees; treeIndex++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (params.subsample >= 1 || random() < params.subsample) sample[m++] = i;
      gradient[i] = train.y[i]! - prediction[i]!; // negative gradient of squared loss
      nodeOf[i] = 0;
    }
    // Typed arrays in the hot loops (a `new Array(n)` stays "holey" and is slower to read).
    const feature = new Int32Array(internal).fill(-1);
    const threshold = new Int32Array(internal);
    for (let level = 0; level < depth; level++) {
      const firstNode = (1 << level) - 1;
      const nodes = 1 << level;
      hist.fill(0, 0, nodes * F * bins * 2);
      for (let j = 0; j < m; j++) {
        const i = sample[j]!;
        const local = nodeOf[i]! - firstNode;
        const g = gradient[i]!;
        const rowBase = i * F;
        const histBase = local * F * bins;
        for (let f = 0; f < F; f++) {
          const h = (histBase + f * bins + binned[rowBase + f]!) * 2;
          hist[h] = hist[h]! + g;
          hist[h + 1] = hist[h + 1]! + 1;
        }
      }
      for (let local = 0; local < nodes; local++) {
        let totalSum = 0;
        let totalCount = 0;
        const histBase = local * F * bins;
        for (let b = 0; b < bins; b++) {
          totalSum += hist[(histBase + b) * 2]!;
          totalCount += hist[(histBase + b) * 2 + 1]!;
        }
        const parentScore = (totalSum * totalSum) / (totalCount + l2);
        let bestGain = 1e-12;
        let bestFeature = -1;
        let bestThreshold = 0;
        for (let f = 0; f < F; f++) {
          let leftSum = 0;
          let leftCount = 0;
          for (let b = 0; b < bins - 1; b++) {
            leftSum += hist[(histBase + f * bins + b) * 2]!;
            leftCount += hist[(histBase + f * bins + b) * 2 + 1]!;
            const rightCount = totalCount - leftCount;
            if (leftCount < minLeaf || rightCount < minLeaf) continue;
            const rightSum = totalSum - leftSum;
            const gain =
              (leftSum * leftSum) / (leftCount + l2) +
              (rightSum * rightSum) / (rightCount + l2) -
              parentScore;
            if (gain > bestGain) {
              bestGain = gain;
              bestFeature = f;
              bestThreshold = b;
            }
          }
        }
        feature[firstNode + local] = bestFeature;
        threshold[firstNode + local] = bestThreshold;
      }
      for (let i = 0; i < n; i++) {
        const node = nodeOf[i]!;
        const f = feature[node]!;
        nodeOf[i] = 2 * node + (f >= 0 && binned[i * F + f]! > threshold[node]! ? 2 : 1);
      }
    }
    nodeSum.fill(0);
    nodeCount.fill(0);
    for (let j = 0; j < m; j++) {
      const i = sample[j]!;
      const leaf = nodeOf[i]! - internal;
      nodeSum[leaf] = nodeSum[leaf]! + gradient[i]!;
      nodeCount[leaf] = nodeCount[leaf]! + 1;
    }
    const leaf = new Float64Array(1 << depth);
    for (let l = 0; l < 1 << depth; l++) leaf[l] = (learningRate * nodeSum[l]!) / (nodeCount[l]! + l2);
    for (let i = 0; i < n; i++) prediction[i] = prediction[i]! + leaf[nodeOf[i]! - internal]!;
    trees.push({ feature: Array.from(feature), threshold: Array.from(threshold), leaf: Array.from(leaf) });
  }
  return { family: 'gbt', depth, bins, base, trees, ...widthOf(train) };
}

export const gbtFamily: ModelFamily<GbtParams> = {
  name: 'gbt',
  paramsSchema: gbtParamsSchema,
  learns: true,
  fit: (train, params, seed) => gbtModel(fitGbt(train, params, seed)),
};

// ---------------------------------------------------------------------------------------------------

export const modelStateSchema = z.discriminatedUnion('family', [
  ruleStateSchema,
  ridgeStateSchema,
  gbtStateSchema,
]);
export type ModelState = z.infer<typeof modelStateSchema>;

export const modelParamsSchemas = {
  rule: ruleParamsSchema,
  ridge: ridgeParamsSchema,
  gbt: gbtParamsSchema,
} as const;

export type ModelParams = { rule: RuleParams; ridge: RidgeParams; gbt: GbtParams };
/** Parameters as callers give them: every field optional, defaults filled in by the family's schema. */
export type ModelParamsInput = {
  rule: z.input<typeof ruleParamsSchema>;
  ridge: z.input<typeof ridgeParamsSchema>;
  gbt: z.input<typeof gbtParamsSchema>;
};

export function familyOf<N extends ModelFamilyName>(name: N): ModelFamily<ModelParams[N]> {
  const families = { rule: ruleFamily, ridge: ridgeFamily, gbt: gbtFamily };
  return families[name] as unknown as ModelFamily<ModelParams[N]>;
}

export { modelFromState };
