import {
  type AlphaDataset,
  buildDataset,
  buildPanel,
  FEATURE_COUNT,
  FEATURE_NAMES,
  type Panel,
  type WeeklySchedule,
  weeklySchedule,
} from '../alpha/index.js';
import type { AlphaBars } from '../sources/alpha/index.js';

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
  bars: readonly AlphaBars[],
  sectors: Readonly<Record<string, { sector: string }>> = {},
  options: { weekday?: number } = {},
): ResearchData {
  const panel = buildPanel(bars);
  const schedule = weeklySchedule(panel, options);
  const dataset = buildDataset(panel, schedule.decisionRows);
  const volatility = new Float64Array(dataset.eligible.length);
  for (let i = 0; i < volatility.length; i++) volatility[i] = dataset.raw[i * FEATURE_COUNT + VOL_60D]!;
  return {
    panel,
    schedule,
    dataset,
    sectors: panel.symbols.map((symbol) => sectors[symbol]?.sector),
    volatility,
  };
}
