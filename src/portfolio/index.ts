/**
 * Portfolio construction (Lean's one-method IPortfolioConstructionModel): scores -> target weights
 * with top N, equal / score-rank / inverse-volatility weighting, name and sector caps, a cash buffer
 * and a turnover limit. Used unchanged by backtests and live trading.
 */

export {
  type ConstructionInput,
  constructWeights,
  createTargetRecord,
  type PortfolioConstructionModel,
  WEIGHTING_SCHEMES,
  type Weighting,
} from './construction.js';
export {
  type ConstructionParams,
  constructionParamsSchema,
  createConstructionModel,
} from './construction-schema.js';
