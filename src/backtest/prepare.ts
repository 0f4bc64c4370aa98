import { type AlphaDataset, buildDataset, buildSignalDataset, type SignalDataset } from '../alpha/dataset.js';
import { FEATURE_NAMES } from '../alpha/features.js';
import { buildPanel, type Panel } from '../alpha/panel.js';
import { type WeeklySchedule, weeklySchedule } from '../alpha/schedule.js';
import { formatDay } from '../sources/alpha/days.js';
import type { AlphaBars, AlphaSeriesReader } from '../sources/alpha/index.js';
import type { BacktestInput, IndexSeries } from './engine.js';

/** Everything training and backtests need, computed once from research bars. */
export interface ResearchData {
  panel: Panel;
  schedule: WeeklySchedule;
  dataset: AlphaDataset;
  /** Sector per panel symbol. */
  sectors: (string | undefined)[];
  /** `[k * nSymbols + s]` 60-day volatility at each decision, for inverse-volatility weighting. */
  volatility: Float64Array;
}

const VOL_60D = FEATURE_NAMES.indexOf('vol_60d');

export function prepareResearch(
  /** Full bars, or the store's reader of their panel columns (`priceSeriesReader`, the faster read). */
  bars: readonly AlphaBars[] | AlphaSeriesReader,
  sectors: Readonly<Record<string, { sector: string }>> = {},
  /** `expressions`: expression features as model inputs (a project's `model.expressions`). */
  options: { weekday?: number; expressions?: readonly string[] } = {},
): ResearchData {
  return prepareResearchPanel(buildPanel(bars), sectors, options);
}

/** `prepareResearch` on a panel already built (parity's replay builds it from IB bars). */
export function prepareResearchPanel(
  panel: Panel,
  sectors: Readonly<Record<string, { sector: string }>> = {},
  options: { weekday?: number; expressions?: readonly string[] } = {},
): ResearchData {
  const schedule = weeklySchedule(panel, options);
  const sectorOf = sectorsOf(panel, sectors);
  const dataset = buildDataset(panel, schedule.decisionRows, {
    expressions: options.expressions ?? [],
    sectors: sectorOf,
  });
  const volatility = new Float64Array(dataset.eligible.length);
  const width = dataset.nFeatures;
  for (let i = 0; i < volatility.length; i++) volatility[i] = dataset.raw[i * width + VOL_60D]!;
  return { panel, schedule, dataset, sectors: sectorOf, volatility };
}

/** What expression signals and backtests read of research data: all but the dataset's matrices. */
export type SignalResearch = Omit<ResearchData, 'dataset'> & { dataset: SignalDataset };

/**
 * `prepareResearchPanel` for expression signals (a sweep's points): the same values of what they read,
 * without the feature matrix, forward returns and labels, which were most of its work and of its fresh
 * memory. `shared`: the arrays computed here in SharedArrayBuffers, for worker threads (the schedule's
 * few rows are left to be copied).
 */
export function prepareSignalResearch(
  panel: Panel,
  sectors: Readonly<Record<string, { sector: string }>> = {},
  options: { weekday?: number; shared?: boolean } = {},
): SignalResearch {
  const schedule = weeklySchedule(panel, options);
  const { dataset, volatility } = buildSignalDataset(panel, schedule.decisionRows, options);
  return { panel, schedule, dataset, sectors: sectorsOf(panel, sectors), volatility };
}

function sectorsOf(
  panel: Panel,
  sectors: Readonly<Record<string, { sector: string }>>,
): (string | undefined)[] {
  return panel.symbols.map((symbol) => sectors[symbol]?.sector);
}

/**
 * A market index's adjusted closes on the panel's days: carried forward over days without a bar,
 * NaN before its first bar. The index need not be part of the traded universe.
 */
export function alignIndex(panel: Panel, bars: AlphaBars): IndexSeries {
  const adjClose = new Float64Array(panel.days.length).fill(Number.NaN);
  let i = 0;
  let last = Number.NaN;
  for (let t = 0; t < panel.days.length; t++) {
    const day = panel.days[t]!;
    while (i < bars.length && bars.days[i]! <= day) last = bars.adjustedClose[i++]!;
    adjClose[t] = last;
  }
  return { symbol: bars.symbol, adjClose };
}

/** Days a symbol belongs to the universe, inclusive (YYYY-MM-DD); a missing end is open. */
export interface Membership {
  from?: string;
  to?: string;
}

/**
 * A point-in-time universe: a copy of `scores` where a symbol outside its membership on a decision's
 * day has no score, so it is not bought then and a holding of it is sold at that rebalance. Symbols
 * without an entry are always members.
 */
export function restrictToMembership(
  scores: Float64Array,
  panel: Panel,
  schedule: WeeklySchedule,
  membership: Readonly<Record<string, Membership>>,
): Float64Array {
  const out = Float64Array.from(scores);
  const nSymbols = panel.symbols.length;
  const ranges = panel.symbols.map((symbol) => membership[symbol]);
  for (let k = 0; k < schedule.decisionRows.length; k++) {
    const day = formatDay(panel.days[schedule.decisionRows[k]!]!);
    for (let s = 0; s < nSymbols; s++) {
      const range = ranges[s];
      if (range && ((range.from && day < range.from) || (range.to && day > range.to)))
        out[k * nSymbols + s] = Number.NaN;
    }
  }
  return out;
}

/** The backtest input of prepared research data and one set of scores. */
export function researchInput(
  research: Pick<ResearchData, 'panel' | 'schedule' | 'sectors' | 'volatility'>,
  scores: Float64Array,
): Pick<BacktestInput, 'panel' | 'schedule' | 'scores' | 'sectors' | 'volatility'> {
  return {
    panel: research.panel,
    schedule: research.schedule,
    scores,
    sectors: research.sectors,
    volatility: research.volatility,
  };
}
