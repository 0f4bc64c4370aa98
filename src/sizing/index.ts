/**
 * Sizing: target weights -> whole-share orders, one pure rule (no broker, no store). Its own module so
 * that live execution (src/execution) and every backtest rebalance (src/backtest) import the same
 * code, and a backtest does not load the execution service stack to reach it.
 */
export {
  type CommissionEstimate,
  newSizingBook,
  type SizedOrder,
  type SizingBook,
  type SizingInput,
  SizingInputError,
  type SizingIssue,
  type SizingProblem,
  type SizingResult,
  type SizingTerms,
  sizeBook,
  sizeCheckedTargets,
} from './sizing.js';
export { sizeTargets, validateSizingInput } from './sizing-input.js';
