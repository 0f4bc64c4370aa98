/**
 * THE decide, pure: features -> model scores -> portfolio construction -> the risk stage, on a panel
 * in memory. No IB client, no store, no clock: `src/decision` (live decisions, snapshots) and
 * `src/backtest` (every rebalance) both call it, so a backtest and its start-up never load the IB
 * client stack that the decision service brings along, and there is still one copy of every stage.
 */
export {
  type AlphaPanel,
  asAlphaPanel,
  type CutReason,
  type DataSourceOf,
  type DecideInputs,
  type Decision,
  type DecisionInput,
  decide,
  decideStages,
  decideWeights,
  explainCuts,
  type IbPanel,
  type RiskLimits,
  type RiskStage,
  type SourcedPanel,
  type WeightCut,
} from './decide.js';
