import { type AlphaDataset, normalizedFeature } from './dataset.js';
import { FEATURE_COUNT } from './features.js';
import type { FittedModel, ModelState } from './models.js';

/**
 * Fitted models as scorers, and scoring a dataset's decision with one: what scoring with a stored
 * model runs. Apart from the model families (models.ts), whose parameter and state schemas need a
 * schema library, so that a backtest that scores and decides (a sweep's worker) does not load one.
 */

// One family's stored state: declared with the schemas in models.ts, as a type only.
type StateOf<F extends ModelState['family']> = Extract<ModelState, { family: F }>;

export function ruleModel(state: StateOf<'rule'>): FittedModel {
  const width = state.width ?? FEATURE_COUNT;
  return {
    state,
    score(x, n) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = x[i * width + state.featureIndex]!;
      return out;
    },
    column: state.featureIndex,
  };
}

export function ridgeModel(state: StateOf<'ridge'>): FittedModel {
  const width = state.coefficients.length;
  return {
    state,
    score(x, n) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let sum = state.intercept;
        for (let f = 0; f < width; f++) sum += state.coefficients[f]! * x[i * width + f]!;
        out[i] = sum;
      }
      return out;
    },
  };
}

export function binOf(value: number, bins: number): number {
  const bin = Math.floor((value + 0.5) * bins);
  return bin < 0 ? 0 : bin >= bins ? bins - 1 : bin;
}

export function gbtModel(state: StateOf<'gbt'>): FittedModel {
  const internal = (1 << state.depth) - 1;
  const F = state.width ?? FEATURE_COUNT;
  return {
    state,
    score(x, n) {
      const out = new Float64Array(n).fill(state.base);
      // Bin every input once, not once per tree.
      const binned = new Uint8Array(n * F);
      for (let i = 0; i < n * F; i++) binned[i] = binOf(x[i]!, state.bins);
      for (const tree of state.trees) {
        const feature = Int32Array.from(tree.feature);
        const threshold = Int32Array.from(tree.threshold);
        for (let i = 0; i < n; i++) {
          let node = 0;
          while (node < internal) {
            const f = feature[node]!;
            node = 2 * node + (f >= 0 && binned[i * F + f]! > threshold[node]! ? 2 : 1);
          }
          out[i] = out[i]! + tree.leaf[node - internal]!;
        }
      }
      return out;
    },
  };
}

/** Rebuilds a scorer from stored state (registry JSON). */
export function modelFromState(state: ModelState): FittedModel {
  switch (state.family) {
    case 'rule':
      return ruleModel(state);
    case 'ridge':
      return ridgeModel(state);
    case 'gbt':
      return gbtModel(state);
  }
}

/** Scores the eligible symbols of decision k into `scores[k * nSymbols + s]`. */
export function scoreDecision(
  dataset: AlphaDataset,
  k: number,
  model: FittedModel,
  x: Float64Array = new Float64Array(dataset.nSymbols * dataset.nFeatures),
  members: Int32Array = new Int32Array(dataset.nSymbols),
  scores: Float64Array = new Float64Array(dataset.decisionRows.length * dataset.nSymbols).fill(Number.NaN),
): Float64Array {
  const { nSymbols, nFeatures: width } = dataset;
  if (model.column !== undefined) {
    // The rule model's score is one input as it is: read its column, not every row of `normalized`.
    const column = normalizedFeature(dataset, model.column);
    for (let index = k * nSymbols; index < (k + 1) * nSymbols; index++)
      if (dataset.eligible[index]) scores[index] = column[index]!;
    return scores;
  }
  const normalized = dataset.normalized;
  let count = 0;
  for (let s = 0; s < nSymbols; s++) {
    const index = k * nSymbols + s;
    if (!dataset.eligible[index]) continue;
    for (let f = 0, src = index * width, dst = count * width; f < width; f++)
      x[dst + f] = normalized[src + f]!;
    members[count++] = s;
  }
  const values = model.score(x, count);
  for (let i = 0; i < count; i++) scores[k * nSymbols + members[i]!] = values[i]!;
  return scores;
}
