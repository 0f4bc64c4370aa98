/**
 * Alpha (Lean's Alpha model): features, model families, walk-forward training, the model registry and
 * scoring. Features are documented in features.ts; every value at a date uses bars up to that date.
 * Model families (rule baseline, ridge, histogram GBT) share `fit(train) -> model.score(x)`.
 * `trainModel` runs walk-forward training (no look-ahead), computes IC / rank IC / hit rate per week
 * and per year, and returns a `ModelRecord` whose version is the sha256 of data digest, features,
 * parameters, seed, universe and code version; `ModelRegistry` keeps records under
 * `<dataRoot>/models/`. `scoresForDate` scores any date with the model in force then.
 */
export {
  type AlphaDataset,
  buildDataset,
  centeredRanks,
  type DatasetOptions,
  normalizedFeature,
} from './dataset.js';
export {
  evaluateSignal,
  parseSignal,
  SignalError,
  signalScores,
  validateSignal,
} from './expression.js';
export { computeFeatures, FEATURE_COUNT, FEATURE_NAMES, type FeatureName } from './features.js';
export { meanOf, type PeriodMetrics, pearson, periodMetrics } from './metrics.js';
export {
  type FittedModel,
  familyOf,
  type GbtParams,
  MODEL_FAMILIES,
  type ModelFamily,
  type ModelFamilyName,
  type ModelParams,
  type ModelParamsInput,
  type ModelState,
  modelFromState,
  modelParamsSchemas,
  type RidgeParams,
  type RuleParams,
  solveRidge,
  type TrainingSet,
} from './models.js';
export { buildPanel, type Panel, type PanelSeries, type PanelSeriesReader, rowAtOrBefore } from './panel.js';
export {
  ALPHA_CODE_VERSION,
  canonicalJson,
  decisionScores,
  type ModelRecord,
  ModelRegistry,
  modelRecordSchema,
  modelVersion,
  recordExpressions,
  scoresForDate,
  scoresFromRecord,
  type TrainOutcome,
  type TrainRequest,
  trainModel,
} from './registry.js';
export { type ScheduleOptions, type WeeklySchedule, weeklySchedule } from './schedule.js';
export {
  scoreDecision,
  trainingSet,
  type WalkForwardConfig,
  type WalkForwardFit,
  type WalkForwardResult,
  walkForward,
} from './walkforward.js';
