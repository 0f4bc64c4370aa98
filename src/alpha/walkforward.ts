import type { AlphaDataset } from './dataset.js';
import { modelFromState, scoreDecision } from './model-scorers.js';
import {
  type FittedModel,
  familyOf,
  type ModelFamilyName,
  type ModelParamsInput,
  type ModelState,
  type TrainingSet,
} from './models.js';

export interface WalkForwardConfig<N extends ModelFamilyName = ModelFamilyName> {
  family: N;
  params: ModelParamsInput[N];
  seed: number;
  /** Refit every this many decisions (weeks). */
  retrainEvery: number;
  /** Train on at most this many past decisions (weeks); 0 = all history. */
  trainWindow: number;
  /** No scores until this many labelled decisions exist. */
  minTrainPeriods: number;
}

export interface WalkForwardFit {
  /** First decision index this model scores. */
  fromDecision: number;
  /** Last decision index whose label was in the training set. */
  trainedThroughDecision: number;
  samples: number;
  state: ModelState;
}

export interface WalkForwardResult {
  /** `[k * nSymbols + s]`; NaN when ineligible or before the first model. */
  scores: Float64Array;
  fits: WalkForwardFit[];
}

/**
 * Walk-forward training without look-ahead. The model that scores decision k is fitted only on
 * decisions j <= k - 1, whose labels (returns from close j to close j + 1 <= k) are known at the
 * close of decision k. Seeds derive from the run seed and the fit position, so a run is deterministic.
 */
export function walkForward(
  dataset: AlphaDataset,
  config: WalkForwardConfig,
  onProgress?: (done: number, total: number) => void,
): WalkForwardResult {
  const { nSymbols } = dataset;
  const nDecisions = dataset.decisionRows.length;
  const family = familyOf(config.family);
  const params = family.paramsSchema.parse(config.params);
  const scores = new Float64Array(nDecisions * nSymbols).fill(Number.NaN);
  const fits: WalkForwardFit[] = [];
  let model: FittedModel | undefined;
  const x = new Float64Array(nSymbols * dataset.nFeatures);
  const members = new Int32Array(nSymbols);

  for (let k = config.minTrainPeriods; k < nDecisions; k++) {
    if (!model || (k - config.minTrainPeriods) % config.retrainEvery === 0) {
      const from = config.trainWindow > 0 ? Math.max(0, k - config.trainWindow) : 0;
      const train = trainingSet(dataset, from, k - 1, family.learns);
      model = family.fit(train, params, (config.seed * 1_000_003 + k) >>> 0);
      fits.push({ fromDecision: k, trainedThroughDecision: k - 1, samples: train.n, state: model.state });
    }
    scoreDecision(dataset, k, model, x, members, scores);
    onProgress?.(k - config.minTrainPeriods + 1, nDecisions - config.minTrainPeriods);
  }
  return { scores, fits };
}

/**
 * Labelled, eligible samples of decisions from..to (inclusive). Without `withSamples` only the count
 * is taken: a family that does not learn from data (the rule model) needs no copy of the features.
 */
export function trainingSet(
  dataset: AlphaDataset,
  from: number,
  to: number,
  withSamples = true,
): TrainingSet {
  const { nSymbols, label, nFeatures: width } = dataset;
  let n = 0;
  for (let index = from * nSymbols; index < (to + 1) * nSymbols; index++)
    if (!Number.isNaN(label[index]!)) n++;
  if (!withSamples) return { x: new Float64Array(0), y: new Float64Array(0), n, width };
  const normalized = dataset.normalized; // read only here: the first read ranks every feature
  const x = new Float64Array(n * width);
  const y = new Float64Array(n);
  let i = 0;
  for (let index = from * nSymbols; index < (to + 1) * nSymbols; index++) {
    const value = label[index]!;
    if (Number.isNaN(value)) continue;
    // Element by element: a subarray per sample would allocate ~100,000 views per fit.
    for (let f = 0, src = index * width, dst = i * width; f < width; f++) x[dst + f] = normalized[src + f]!;
    y[i++] = value;
  }
  return { x, y, n, width };
}

export { modelFromState, scoreDecision };
