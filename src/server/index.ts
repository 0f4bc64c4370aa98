export { type App, buildServer, type RouteEntry, SESSION_COOKIE, type ServerDeps } from './app.js';
export { Accounts, ADMIN_USERNAME } from './auth/accounts.js';
export { MIN_PASSWORD_LENGTH, passwordProblem } from './auth/password-policy.js';
export type { ApiErrorBody, ErrorCode, FieldError } from './errors.js';
export { EventHub, type ServerEvent } from './event-hub.js';
export {
  DEFAULT_WEB_ROOT,
  type RunningApp,
  SHUTDOWN_DEADLINE_MS,
  type StartOptions,
  startApp,
  stopOnSignals,
} from './start.js';
export { type TradingBadge, type TradingStatus, tradingStatusFrom } from './trading-status.js';
export {
  BUILT_IN_ACCOUNT,
  BUILT_IN_SEED,
  isExternalGatewayConfigured,
  TradingSupervisor,
} from './trading-supervisor.js';
