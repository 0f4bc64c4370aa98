/**
 * The IB brokerage adapter: `createIbBrokerage` implements the Brokerage port over the TWS socket
 * API (`@stoqey/ib`), `testConnection` checks settings, `ConnectionStateRecorder` keeps the
 * `ib_connection_state` row and its history.
 */
export { createIbBrokerage, type IbBrokerage, type IbBrokerageOptions, ibOptionsSchema } from './adapter.js';
export type { BackoffOptions, IbConnection, IbLogger } from './connection.js';
export {
  checkMode,
  formatIbUtc,
  type ModeCheck,
  maskAccount,
  parseIbTime,
  type TradingMode,
} from './decode.js';
export type { SubscriptionError } from './market-data.js';
export { ConnectionStateRecorder } from './recorder.js';
export {
  type TestConnectionResult,
  type TestConnectionSettings,
  testConnection,
  testConnectionSchema,
} from './test-connection.js';
