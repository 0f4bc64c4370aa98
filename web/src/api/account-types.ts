/**
 * Response types of the account monitor (`/api/account*`), mirroring the server's `AccountView`,
 * `AccountHistory` and `OrdersMonitor` (src/monitoring/).
 */

export interface AccountFigures {
  netLiquidation: number;
  totalCash: number;
  buyingPower: number;
  availableFunds: number;
  excessLiquidity: number;
  initMargin: number | null;
  maintMargin: number | null;
  grossPositionValue: number;
  dailyPnl: number | null;
  unrealizedPnl: number | null;
  realizedPnl: number | null;
}

export interface AccountPosition {
  symbol: string;
  conId: number;
  quantity: number;
  avgCost: number;
  marketPrice: number;
  marketValue: number;
  unrealizedPnl: number;
  realizedPnl: number;
  weight: number;
  sector: string;
}

export interface AccountView {
  source: 'live' | 'snapshot';
  time: string;
  tradingDay: string;
  /** Masked. */
  account: string;
  currency: string;
  figures: AccountFigures;
  positions: AccountPosition[];
}

export type HistoryRange = '1W' | '1M' | '3M' | 'YTD' | 'ALL';

export interface AccountHistory {
  range: HistoryRange;
  from: string | null;
  equity: Array<{ time: string; netLiquidation: number; drawdown: number; grossPositionValue: number }>;
  dailyPnl: Array<{ day: string; pnl: number }>;
  sectors: string[];
  exposure: Array<{ time: string; weights: Record<string, number> }>;
  maxDrawdown: number;
}

export interface OrderWindowFigures {
  from: string;
  orders: number;
  filled: number;
  partial: number;
  open: number;
  canceled: number;
  rejected: number;
  orderedShares: number;
  filledShares: number;
  fillRate: number | null;
  fills: number;
  slippageBps: number | null;
  fillsWithoutArrival: number;
  commissions: number;
  notional: number;
}

export interface MonitorFill {
  execId: string;
  runId: number;
  project: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  shares: number;
  price: number;
  arrivalPrice: number | null;
  slippageBps: number | null;
  commission: number | null;
  execTime: string;
}

export interface WeightRow {
  symbol: string;
  targetWeight: number;
  actualWeight: number;
  deviation: number;
  flagged: boolean;
}

export interface OrdersMonitor {
  today: OrderWindowFigures;
  week: OrderWindowFigures;
  fills: MonitorFill[];
  weights: {
    run: { id: number; project: string; tradingDate: string; status: string } | null;
    tolerance: number;
    rows: WeightRow[];
    accountTime: string | null;
  };
}

// The account monitor publishes each fresh reading on the one event stream.
declare module './types' {
  interface ServerEvents {
    'account.update': AccountView;
  }
}
