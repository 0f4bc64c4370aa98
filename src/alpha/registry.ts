import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type Clock, isoNow } from '../core/clock.js';
import { formatDay, sha256Hex, writeFileAtomic } from '../sources/alpha/index.js';
import { canonicalJson } from './canonical-json.js';
import type { AlphaDataset } from './dataset.js';
import { FEATURE_NAMES } from './features.js';
import { meanOf, periodMetrics } from './metrics.js';
import {
  familyOf,
  MODEL_FAMILIES,
  type ModelFamilyName,
  type ModelParams,
  modelFromState,
  modelStateSchema,
} from './models.js';
import type { Panel } from './panel.js';
import { decisionScores, recordExpressions } from './record-scoring.js';
import { scoreDecision, trainingSet, type WalkForwardConfig, walkForward } from './walkforward.js';

export { canonicalJson, decisionScores, recordExpressions };

/** Bump when feature or model code changes results; it is part of every model version. */
export const ALPHA_CODE_VERSION = 'alpha-1';

const metricsSchema = z.object({
  ic: z.number().nullable(),
  rankIc: z.number().nullable(),
  hitRate: z.number().nullable(),
  periods: z.number().int(),
});

const periodSchema = z.object({
  date: z.string(),
  ic: z.number().nullable(),
  rankIc: z.number().nullable(),
  hitRate: z.number().nullable(),
  n: z.number().int(),
});

export const modelRecordSchema = z.object({
  version: z.string().length(64),
  family: z.enum(MODEL_FAMILIES),
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  features: z.array(z.string()),
  codeVersion: z.string(),
  dataDigest: z.string(),
  symbols: z.array(z.string()),
  training: z.object({
    retrainEvery: z.number().int(),
    trainWindow: z.number().int(),
    minTrainPeriods: z.number().int(),
  }),
  createdAt: z.string(),
  firstDecision: z.string(),
  lastDecision: z.string(),
  metrics: metricsSchema.extend({
    byYear: z.array(metricsSchema.extend({ year: z.number().int() })),
    byPeriod: z.array(periodSchema),
  }),
  /** Walk-forward models: each scores decisions from `validFrom` until the next one. */
  fits: z.array(
    z.object({
      validFrom: z.string(),
      trainedThrough: z.string(),
      samples: z.number().int(),
      state: modelStateSchema,
    }),
  ),
  /** Fitted on every label known at the last decision; scores dates after the walk-forward span. */
  final: z.object({ trainedThrough: z.string(), samples: z.number().int(), state: modelStateSchema }),
});
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export interface TrainRequest<N extends ModelFamilyName = ModelFamilyName> {
  dataset: AlphaDataset;
  dataDigest: string;
  config: WalkForwardConfig<N>;
  clock: Clock;
  /** Called after each scored week of the walk-forward. */
  onProgress?: (done: number, total: number) => void;
}

export interface TrainOutcome {
  record: ModelRecord;
  /** Walk-forward scores, `[k * nSymbols + s]`, for backtests. */
  scores: Float64Array;
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** The content hash that names a model: same data, features, parameters, seed and code = same version. */
export function modelVersion(parts: {
  dataDigest: string;
  family: string;
  params: unknown;
  seed: number;
  training: unknown;
  symbols: readonly string[];
  /** The decision days the model was fitted on (they follow the rebalance weekday). */
  decisionDays: readonly string[];
  /** The inputs: built-in feature names, then expression features (default: the built-in ones). */
  features?: readonly string[];
}): string {
  const { features = FEATURE_NAMES, ...rest } = parts;
  return sha256Hex(canonicalJson({ ...rest, features, codeVersion: ALPHA_CODE_VERSION }));
}

export function trainModel(request: TrainRequest): TrainOutcome {
  const { dataset, config } = request;
  if (dataset.panel.source !== 'alpha') {
    throw new Error(`dataset: models train on Alpha research data only, got ${dataset.panel.source} data`);
  }
  const params = familyOf(config.family).paramsSchema.parse(config.params) as ModelParams[ModelFamilyName];
  const days = dataset.panel.days;
  const decisionDay = (k: number): string => formatDay(days[dataset.decisionRows[k]!]!);
  const nDecisions = dataset.decisionRows.length;
  if (nDecisions <= config.minTrainPeriods + 1) {
    throw new Error(
      `train: ${nDecisions} weekly decisions, need more than minTrainPeriods + 1 (${config.minTrainPeriods + 1})`,
    );
  }
  const result = walkForward(dataset, { ...config, params }, request.onProgress);

  const { nSymbols } = dataset;
  const periodScores = new Float64Array(nSymbols);
  const periodReturns = new Float64Array(nSymbols);
  const byPeriod: z.infer<typeof periodSchema>[] = [];
  for (let k = config.minTrainPeriods; k < nDecisions; k++) {
    let n = 0;
    for (let s = 0; s < nSymbols; s++) {
      const score = result.scores[k * nSymbols + s]!;
      const ret = dataset.forwardReturn[k * nSymbols + s]!;
      if (Number.isNaN(score) || Number.isNaN(ret)) continue;
      periodScores[n] = score;
      periodReturns[n++] = ret;
    }
    if (n < 3) continue;
    const metrics = periodMetrics(periodScores, periodReturns, n);
    byPeriod.push({
      date: decisionDay(k),
      ic: finiteOrNull(metrics.ic),
      rankIc: finiteOrNull(metrics.rankIc),
      hitRate: finiteOrNull(metrics.hitRate),
      n,
    });
  }
  const summarise = (periods: typeof byPeriod) => ({
    ic: finiteOrNull(meanOf(periods.map((p) => p.ic ?? Number.NaN))),
    rankIc: finiteOrNull(meanOf(periods.map((p) => p.rankIc ?? Number.NaN))),
    hitRate: finiteOrNull(meanOf(periods.map((p) => p.hitRate ?? Number.NaN))),
    periods: periods.length,
  });
  const years = [...new Set(byPeriod.map((p) => Number(p.date.slice(0, 4))))];
  const byYear = years.map((year) => ({
    year,
    ...summarise(byPeriod.filter((p) => p.date.startsWith(`${year}`))),
  }));

  const lastLabelled = nDecisions - 2;
  const finalFrom = config.trainWindow > 0 ? Math.max(0, nDecisions - 1 - config.trainWindow) : 0;
  const finalTrain = trainingSet(dataset, finalFrom, lastLabelled, familyOf(config.family).learns);
  const finalModel = familyOf(config.family).fit(
    finalTrain,
    params,
    (config.seed * 1_000_003 + nDecisions) >>> 0,
  );

  const training = {
    retrainEvery: config.retrainEvery,
    trainWindow: config.trainWindow,
    minTrainPeriods: config.minTrainPeriods,
  };
  const symbols = [...dataset.panel.symbols];
  const version = modelVersion({
    dataDigest: request.dataDigest,
    family: config.family,
    params,
    seed: config.seed,
    training,
    symbols,
    decisionDays: Array.from({ length: nDecisions }, (_, k) => decisionDay(k)),
    features: dataset.featureNames,
  });
  const record: ModelRecord = {
    version,
    family: config.family,
    params: params as Record<string, unknown>,
    seed: config.seed,
    features: [...dataset.featureNames],
    codeVersion: ALPHA_CODE_VERSION,
    dataDigest: request.dataDigest,
    symbols,
    training,
    createdAt: isoNow(request.clock),
    firstDecision: decisionDay(config.minTrainPeriods),
    lastDecision: decisionDay(nDecisions - 1),
    metrics: { ...summarise(byPeriod), byYear, byPeriod },
    fits: result.fits.map((fit) => ({
      validFrom: decisionDay(fit.fromDecision),
      // Empty when the fit saw no past decision (minTrainPeriods 0, e.g. the rule model, which needs none).
      trainedThrough: fit.trainedThroughDecision >= 0 ? decisionDay(fit.trainedThroughDecision) : '',
      samples: fit.samples,
      state: fit.state,
    })),
    final: { trainedThrough: decisionDay(lastLabelled), samples: finalTrain.n, state: finalModel.state },
  };
  return { record, scores: result.scores };
}

/**
 * Scores every eligible symbol at the close of `day` (or the last trading day before it) with the model
 * the walk-forward schedule had in force then; after the walk-forward span, with the final model.
 * Returns symbol -> score (ineligible symbols are left out).
 */
export function scoresForDate(
  record: ModelRecord,
  panel: Panel,
  day: number,
  sectors?: readonly (string | undefined)[],
): Map<string, number> {
  const { scores } = decisionScores(record, panel, day, sectors);
  const out = new Map<string, number>();
  panel.symbols.forEach((symbol, s) => {
    const score = scores[s]!;
    if (!Number.isNaN(score)) out.set(symbol, score);
  });
  return out;
}

/**
 * Re-creates walk-forward scores `[k * nSymbols + s]` for a dataset from a stored record: each
 * decision is scored by the fit in force at its date (the final model after the record's span), and
 * decisions before the first fit stay NaN. On the data the model was trained on, this equals the
 * scores training produced.
 */
export function scoresFromRecord(record: ModelRecord, dataset: AlphaDataset): Float64Array {
  const { nSymbols } = dataset;
  if (canonicalJson(dataset.featureNames) !== canonicalJson(record.features))
    throw new Error(
      `features: the model was fitted on [${record.features.join(', ')}], the data has [${dataset.featureNames.join(', ')}]`,
    );
  const nDecisions = dataset.decisionRows.length;
  const scores = new Float64Array(nDecisions * nSymbols).fill(Number.NaN);
  const fits = record.fits.map((fit) => ({ validFrom: fit.validFrom, model: modelFromState(fit.state) }));
  const finalModel = modelFromState(record.final.state);
  const x = new Float64Array(nSymbols * dataset.nFeatures);
  const members = new Int32Array(nSymbols);
  let current = -1;
  for (let k = 0; k < nDecisions; k++) {
    const day = formatDay(dataset.panel.days[dataset.decisionRows[k]!]!);
    while (current + 1 < fits.length && fits[current + 1]!.validFrom <= day) current++;
    const model = day > record.lastDecision ? finalModel : current >= 0 ? fits[current]!.model : undefined;
    if (model) scoreDecision(dataset, k, model, x, members, scores);
  }
  return scores;
}

/** Model records as JSON files under `<dataRoot>/models/<version>.json`. */
export class ModelRegistry {
  readonly dir: string;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'models');
  }

  async save(record: ModelRecord): Promise<string> {
    const file = path.join(this.dir, `${record.version}.json`);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(record)}\n`);
    return file;
  }

  async load(version: string): Promise<ModelRecord> {
    if (!/^[0-9a-f]{6,64}$/.test(version)) throw new Error(`version: "${version}" is not a model version`);
    let file = path.join(this.dir, `${version}.json`);
    if (!existsSync(file)) {
      const match = (await this.list()).find((candidate) => candidate.startsWith(version));
      if (!match) throw new Error(`version: no model ${version} in ${this.dir}`);
      file = path.join(this.dir, `${match}.json`);
    }
    return modelRecordSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.dir)) return [];
    return (await readdir(this.dir))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -5))
      .sort();
  }
}
