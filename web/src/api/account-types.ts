/**
 * Response types of the account monitor (`/api/account*`): the contract's (src/contract/account.ts),
 * imported as types only.
 */
import type { AccountView } from '../../../src/contract/account';

export type {
  AccountFigures,
  AccountHistory,
  AccountPosition,
  AccountView,
  HistoryRange,
  MonitorFill,
  OrdersMonitor,
  OrderWindowFigures,
  WeightRow,
} from '../../../src/contract/account';

// The account monitor publishes each fresh reading on the one event stream.
declare module './types' {
  interface ServerEvents {
    'account.update': AccountView;
  }
}
