import type { RiskStateEvent, RiskStatusResponse } from '../../../src/contract/risk';

export type {
  FallbackResponse,
  FallbackUseView,
  RiskEventsResponse,
  RiskEventView,
  RiskLevelName,
  RiskReading,
  RiskScopeStatus,
  RiskStateChangeResponse,
  RiskStateEvent,
  RiskStateResponse,
  RiskStatusResponse,
  TradingStateName,
  TradingStateView,
} from '../../../src/contract/risk';

// The intraday monitor and the halt/resume routes publish on the one event stream.
declare module './types' {
  interface ServerEvents {
    'risk.state': RiskStateEvent;
    'risk.status': RiskStatusResponse;
  }
}
