/**
 * Monitoring: the account, positions and PnL live from IB (one reader: the process whose broker is
 * connected), persisted account snapshots (equity curve, drawdown, sector exposure, daily PnL) and
 * the orders and fills monitor (fill rate, slippage against the arrival price, target vs actual
 * weights).
 */
export { ACCOUNT_EVENT, AccountMonitor, type AccountMonitorOptions, readAccount } from './monitor.js';
export {
  type FillView,
  type OrdersMonitor,
  ordersMonitor,
  slippageBps,
  type WeightRow,
  type WindowFigures,
  windowsOf,
} from './orders-summary.js';
export { sectorsFromThemes } from './sectors.js';
export { rangeStart, SnapshotStore } from './snapshots.js';
export {
  type AccountFigures,
  type AccountHistory,
  type AccountView,
  HISTORY_RANGES,
  type HistoryRange,
  type PositionView,
  type SnapshotReason,
} from './types.js';
