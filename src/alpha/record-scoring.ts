import { formatDay } from '../sources/alpha/days.js';
import { type AlphaDataset, buildDataset } from './dataset.js';
import { FEATURE_COUNT } from './features.js';
import { modelFromState, scoreDecision } from './model-scorers.js';
import { type Panel, rowAtOrBefore } from './panel.js';
import type { ModelRecord } from './registry.js';

/**
 * Scoring a day with a stored model record: what live decisions (src/decide) run. Apart from the
 * registry, which reads, validates and writes records, so that what imports the decision stages (every
 * backtest, a sweep's workers) loads no file store or schema library.
 */
/**
 * `scoresForDate` per panel symbol (NaN = not scored), with the row scored and the one-row dataset
 * the scores came from, so a caller that needs more of its features (a live decision's volatility)
 * does not compute them a second time.
 */
export function decisionScores(
  record: ModelRecord,
  panel: Panel,
  day: number,
  sectors?: readonly (string | undefined)[],
): { row: number; scores: Float64Array; dataset: AlphaDataset } {
  const row = rowAtOrBefore(panel, day);
  if (row < 0) throw new Error(`date: ${formatDay(day)} is before the first bar`);
  const dateText = formatDay(panel.days[row]!);
  const state =
    dateText > record.lastDecision
      ? record.final.state
      : [...record.fits].reverse().find((fit) => fit.validFrom <= dateText)?.state;
  if (!state)
    throw new Error(
      `date: ${dateText} is before the model's first scored decision (${record.firstDecision})`,
    );
  // The record's expression features, so a live decision computes the inputs the model was fitted on.
  const dataset = buildDataset(panel, Int32Array.of(row), {
    expressions: recordExpressions(record),
    ...(sectors ? { sectors } : {}),
  });
  return { row, scores: scoreDecision(dataset, 0, modelFromState(state)), dataset };
}

/** The expression features of a model (its inputs after the built-in features). */
export function recordExpressions(record: ModelRecord): string[] {
  return record.features.slice(FEATURE_COUNT);
}
