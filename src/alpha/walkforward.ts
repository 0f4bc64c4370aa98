import type { AlphaDataset } from './dataset.js';
import { FEATURE_COUNT } from './features.js';
import {
  type FittedModel,
  familyOf,
  type ModelFamilyName,
  type ModelParamsInput,
  type ModelState,
  modelFromState,
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
  const x = new Float64Array(nSymbols * FEATURE_COUNT);
  const members = new Int32Array(nSymbols);

  for (let k = config.minTrainPeriods; k < nDecisions; k++) {
    if (!model || (k - config.minTrainPeriods) % config.retrainEvery === 0) {
      const from = config.trainWindow > 0 ? Math.max(0, k - config.trainWindow) : 0;
      const train = trainingSet(dataset, from, k - 1);
      model = family.fit(train, params, (config.seed * 1_000_003 + k) >>> 0);
      fits.push({ fromDecision: k, trainedThroughDecision: k - 1, samples: train.n, state: model.state });
    }
    scoreDecision(dataset, k, model, x, members, scores);
    onProgress?.(k - config.minTrainPeriods + 1, nDecisions - config.minTrainPeriods);
  }
  return { scores, fits };
}

/** Labelled, eligible samples of decisions from..to (inclusive). */
export function trainingSet(dataset: AlphaDataset, from: number, to: number) {
  const { nSymbols } = dataset;
  let n = 0;
  for (let k = from; k <= to; k++) {
    for (let s = 0; s < nSymbols; s++) if (!Number.isNaN(dataset.label[k * nSymbols + s]!)) n++;
  }
  const x = new Float64Array(n * FEATURE_COUNT);
  const y = new Float64Array(n);
  let i = 0;
  for (let k = from; k <= to; k++) {
    for (let s = 0; s < nSymbols; s++) {
      const index = k * nSymbols + s;
      const label = dataset.label[index]!;
      if (Number.isNaN(label)) continue;
      x.set(
        dataset.normalized.subarray(index * FEATURE_COUNT, (index + 1) * FEATURE_COUNT),
        i * FEATURE_COUNT,
      );
      y[i++] = label;
    }
  }
  return { x, y, n };
}

/** Scores the eligible symbols of decision k into `scores[k * nSymbols + s]`. */
export function scoreDecision(
  dataset: AlphaDataset,
  k: number,
  model: FittedModel,
  x: Float64Array = new Float64Array(dataset.nSymbols * FEATURE_COUNT),
  members: Int32Array = new Int32Array(dataset.nSymbols),
  scores: Float64Array = new Float64Array(dataset.decisionRows.length * dataset.nSymbols).fill(Number.NaN),
): Float64Array {
  const { nSymbols } = dataset;
  let count = 0;
  for (let s = 0; s < nSymbols; s++) {
    const index = k * nSymbols + s;
    if (!dataset.eligible[index]) continue;
    x.set(
      dataset.normalized.subarray(index * FEATURE_COUNT, (index + 1) * FEATURE_COUNT),
      count * FEATURE_COUNT,
    );
    members[count++] = s;
  }
  const values = model.score(x, count);
  for (let i = 0; i < count; i++) scores[k * nSymbols + members[i]!] = values[i]!;
  return scores;
}

export { modelFromState };
