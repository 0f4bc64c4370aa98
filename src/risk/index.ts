export {
  DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES,
  DEFENSIVE_ACTOR,
  type DefendedProject,
  DefensiveActions,
  type DefensiveActionsOptions,
  type DefensivePolicy,
  type DefensiveRecord,
  type DefensiveRunOutcome,
  defensiveAlertParams,
  defensiveWeights,
  type OrderStillOut,
} from './defensive.js';
export { fallbackStatus } from './fallback.js';
export {
  type AccountReading,
  assessIntraday,
  type IntradayAssessment,
  type IntradayLimits,
  intradayLimitsSchema,
  type RiskLevel,
} from './intraday.js';
export { type AccountFiguresNow, RiskMarks } from './marks.js';
export {
  type IntradayEvidence,
  type IntradayMetric,
  MONITOR_ACTOR,
  type MonitoredScope,
  RISK_STATE_EVENT,
  RISK_STATUS_EVENT,
  type RiskAlert,
  RiskMonitor,
  type RiskMonitorOptions,
  riskStatus,
} from './monitor.js';
export * from './pretrade/index.js';
export {
  projectScope,
  RESUME_CONFIRMATION,
  type ResumeRequest,
  type RiskEvent,
  type RiskEventInput,
  type RiskScope,
  TradingStates,
  type TradingStateView,
} from './trading-state.js';
export {
  createWeightLimits,
  type RiskModel,
  type WeightLimits,
  type WeightsInput,
  weightLimitsSchema,
} from './weight-limits.js';
