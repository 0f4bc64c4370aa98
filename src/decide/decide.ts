import { FEATURE_NAMES } from '../alpha/features.js';
import type { Panel } from '../alpha/panel.js';
import { decisionScores } from '../alpha/record-scoring.js';
import type { ModelRecord } from '../alpha/registry.js';
import { type ConstructionParams, constructWeights } from '../portfolio/construction.js';
import { formatDay, parseDay } from '../sources/alpha/days.js';

/**
 * THE decision: features -> model scores -> portfolio construction -> the risk stage. The backtest
 * calls `decideWeights` (construction + risk) for every rebalance with the scores its walk-forward
 * made from the same alpha code; live trading calls `decide` once, which scores with `decisionScores`
 * (`scoresForDate` per symbol) and then runs the very same `decideStages`. There is no second copy of
 * any stage.
 */

declare const ibPanelBrand: unique symbol;
declare const alphaPanelBrand: unique symbol;

/** A panel built from IB daily bars (only `buildIbPanel` makes one): what live decisions run on. */
export type IbPanel = Panel & { readonly source: 'ib'; readonly [ibPanelBrand]: true };
/** A panel built from Alpha research bars: what training and backtests run on. */
export type AlphaPanel = Panel & { readonly source: 'alpha'; readonly [alphaPanelBrand]: true };
export type SourcedPanel = IbPanel | AlphaPanel;
export type DataSourceOf<P extends SourcedPanel> = P['source'];

/** Refuses anything but research data; the brand then keeps it apart from IB panels at compile time. */
export function asAlphaPanel(panel: Panel): AlphaPanel {
  if (panel.source !== 'alpha') throw new Error(`panel: expected Alpha research data, got ${panel.source}`);
  return panel as AlphaPanel;
}

/** The risk stage (Lean's IRiskManagementModel): never raises a weight. Structurally risk's RiskModel. */
export interface RiskStage {
  adjustWeights(input: {
    symbols: readonly string[];
    weights: Float64Array;
    sectors?: readonly (string | undefined)[];
  }): Float64Array;
}

export interface DecisionInput {
  symbols: readonly string[];
  /** Scores of this decision, NaN where a symbol may not be held (no score, or not tradable). */
  scores: Float64Array;
  volatility?: Float64Array | undefined;
  sectors?: readonly (string | undefined)[] | undefined;
  /** Weights held at the decision close. */
  previousWeights: Float64Array;
  construction: ConstructionParams;
  risk?: RiskStage | undefined;
}

/** Construction, then the risk stage; both results, so a snapshot can show what risk cut. */
export function decideStages(input: DecisionInput): { constructed: Float64Array; adjusted: Float64Array } {
  const constructed = constructWeights(
    {
      symbols: input.symbols,
      scores: input.scores,
      volatility: input.volatility,
      sectors: input.sectors,
      previousWeights: input.previousWeights,
    },
    input.construction,
  );
  const adjusted = input.risk
    ? input.risk.adjustWeights({ symbols: input.symbols, weights: constructed, sectors: input.sectors })
    : constructed;
  return { constructed, adjusted };
}

/** One rebalance's target weights (the backtest's per-rebalance call). */
export function decideWeights(input: DecisionInput): Float64Array {
  return decideStages(input).adjusted;
}

/** Limits the risk stage applies, to name the reason of each cut (codes, for the UI catalogue). */
export interface RiskLimits {
  maxPositionWeight: number;
  maxSectorWeight: number;
  maxGrossExposure: number;
}

export type CutReason = 'RISK_MAX_POSITION' | 'RISK_MAX_SECTOR' | 'RISK_MAX_GROSS';

export interface WeightCut {
  symbol: string;
  before: number;
  after: number;
  reason: CutReason;
}

/** Why the risk stage lowered each weight: the first limit (name, sector, gross) the input broke. */
export function explainCuts(
  symbols: readonly string[],
  before: Float64Array,
  after: Float64Array,
  sectors: readonly (string | undefined)[],
  limits: RiskLimits,
): WeightCut[] {
  const sectorTotals = new Map<string, number>();
  for (let s = 0; s < symbols.length; s++) {
    const sector = sectors[s] || 'unknown';
    sectorTotals.set(
      sector,
      (sectorTotals.get(sector) ?? 0) + Math.min(Math.abs(before[s]!), limits.maxPositionWeight),
    );
  }
  const cuts: WeightCut[] = [];
  for (let s = 0; s < symbols.length; s++) {
    if (!(Math.abs(after[s]!) < Math.abs(before[s]!))) continue;
    const reason: CutReason =
      Math.abs(before[s]!) > limits.maxPositionWeight
        ? 'RISK_MAX_POSITION'
        : (sectorTotals.get(sectors[s] || 'unknown') ?? 0) > limits.maxSectorWeight
          ? 'RISK_MAX_SECTOR'
          : 'RISK_MAX_GROSS';
    cuts.push({ symbol: symbols[s]!, before: before[s]!, after: after[s]!, reason });
  }
  return cuts;
}

export interface DecideInputs<P extends SourcedPanel> {
  panel: P;
  /** The decision close (YYYY-MM-DD): the panel's last day on or before it is scored. */
  decisionDate: string;
  model: ModelRecord;
  /** Sector per panel symbol. */
  sectors: readonly (string | undefined)[];
  /** Weights held before this decision, per panel symbol. */
  previousWeights: Float64Array;
  construction: ConstructionParams;
  risk: RiskStage;
  limits: RiskLimits;
}

export interface Decision<S extends 'ib' | 'alpha' = 'ib' | 'alpha'> {
  dataSource: S;
  /** The panel day actually scored. */
  asOf: string;
  symbols: readonly string[];
  /** NaN = not eligible (too little history, no bar on the decision close). */
  scores: Float64Array;
  before: Float64Array;
  after: Float64Array;
  cuts: WeightCut[];
}

const VOL_60D = FEATURE_NAMES.indexOf('vol_60d');

/** Features -> scores -> construction -> risk for one decision date. */
export function decide<P extends SourcedPanel>(inputs: DecideInputs<P>): Decision<DataSourceOf<P>> {
  const { panel } = inputs;
  // The brand stops a mix at compile time; this stops a cast or an untyped caller at run time.
  if (panel.source !== 'ib' && panel.source !== 'alpha') throw new Error('panel: unknown data source');
  const n = panel.symbols.length;
  if (inputs.sectors.length !== n || inputs.previousWeights.length !== n)
    throw new Error(`decide: sectors and previousWeights need one entry per panel symbol (${n})`);
  const day = parseDay(inputs.decisionDate);
  if (day === undefined) throw new Error(`decisionDate: "${inputs.decisionDate}" is not a day`);
  // One dataset for the scores and the volatility (built-in features come first in every dataset).
  const { row, scores, dataset } = decisionScores(inputs.model, panel, day, inputs.sectors);
  const volatility = new Float64Array(n);
  for (let s = 0; s < n; s++) volatility[s] = dataset.raw[s * dataset.nFeatures + VOL_60D]!;
  const { constructed, adjusted } = decideStages({
    symbols: panel.symbols,
    scores,
    volatility,
    sectors: inputs.sectors,
    previousWeights: inputs.previousWeights,
    construction: inputs.construction,
    risk: inputs.risk,
  });
  return {
    dataSource: panel.source as DataSourceOf<P>,
    asOf: formatDay(panel.days[row]!),
    symbols: panel.symbols,
    scores,
    before: constructed,
    after: adjusted,
    cuts: explainCuts(panel.symbols, constructed, adjusted, inputs.sectors, inputs.limits),
  };
}
