/**
 * Execution: sizing (weights -> integer share targets, shared by backtests and live trading so a live
 * trade date can be reproduced by a backtest; it lives in src/sizing so a backtest need not load this
 * module), planning, the order state machine and submission.
 */

export {
  type CommissionEstimate,
  type SizedOrder,
  type SizingInput,
  SizingInputError,
  type SizingResult,
  sizeTargets,
  validateSizingInput,
} from '../sizing/index.js';
export {
  type AccountCheck,
  checkTradingAccount,
  isPaperAccount,
  type TradingMode,
} from './account-guard.js';
export {
  type ContractLookup,
  type EngineLogger,
  ExecutionEngine,
  type ExecutionEngineOptions,
  type Readiness,
  type ReconcileReport,
} from './engine.js';
export {
  clientOrderId,
  isOurOrderRef,
  ORDER_REF_PREFIX,
  type OrderRefParts,
  parseClientOrderId,
} from './order-ref.js';
export {
  openRemaining,
  type PlanInput,
  type PlannedOrder,
  planCancels,
  planOrders,
} from './planning.js';
export {
  type BlockedRunAlert,
  blockedRunAlert,
  type PlannedCheckOrder,
  PreTradeGate,
  type PreTradeOptions,
  type PreTradeRequest,
  type ProjectRisk,
} from './pretrade.js';
export {
  brokerPriceSource,
  choosePrice,
  type LastCloses,
  limitPrice,
  mergeQuote,
  PreparedPrices,
  type PriceRules,
  type PriceSource,
  PriceUnavailableError,
  type QuoteSnapshot,
  type SizingPrice,
  withLastCloses,
} from './prices.js';
export {
  type ApplyResult,
  ExecutionRepository,
  type Fence,
  type RunInput,
  type StateFacts,
} from './repository.js';
export { defensiveRunKey, runKindOf, SCHEDULED_RUN_KEY } from './run-key.js';
export { type RunOnceOptions, type RunOnceOutput, readWeightsFile, runTargetsOnce } from './run-once.js';
export {
  defaultHolder,
  type ExecutionRuntime,
  type ExecutionRuntimeOptions,
  startExecutionRuntime,
} from './runtime.js';
export {
  type ExecuteTargetsInput,
  type ExecuteTargetsResult,
  ExecutionService,
  type ExecutionServiceOptions,
  executeOptionsSchema,
  type PrepareResult,
  positionsAfterFills,
  runKeyOf,
  tradingDateSchema,
} from './service.js';
export {
  canTransition,
  decideTransition,
  isTerminal,
  mapBrokerStatus,
  OPEN_STATES,
  ORDER_STATES,
  type OrderState,
  stateForOrderError,
  TERMINAL_STATES,
  type TransitionOutcome,
} from './state-machine.js';
export type { OrderIntent, RunStatus, TradeFill, TradeOrder, TradeOrderEvent, TradeRun } from './types.js';
export {
  accountsOf,
  maskAccounts,
  progressOf,
  type RunDetail,
  runDetail,
  type SymbolProgress,
} from './views.js';
export { parseWeightsText, validateWeights, type WeightRules } from './weights.js';
