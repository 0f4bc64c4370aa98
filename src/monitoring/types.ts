/** What the account monitor shows: the same shape live (from IB) and from a persisted snapshot. */

export interface AccountFigures {
  netLiquidation: number;
  totalCash: number;
  buyingPower: number;
  availableFunds: number;
  excessLiquidity: number;
  initMargin: number | null;
  maintMargin: number | null;
  grossPositionValue: number;
  /** Today's PnL (IB's reqPnL daily PnL); null when the broker did not say. */
  dailyPnl: number | null;
  unrealizedPnl: number | null;
  realizedPnl: number | null;
}

export interface PositionView {
  symbol: string;
  conId: number;
  quantity: number;
  avgCost: number;
  marketPrice: number;
  marketValue: number;
  unrealizedPnl: number;
  realizedPnl: number;
  /** marketValue / net liquidation (signed: shorts are negative). */
  weight: number;
  /** From the themes' members; '' when no theme names one. */
  sector: string;
}

export interface AccountView {
  /** live: read from IB by this process just now; snapshot: the latest persisted one. */
  source: 'live' | 'snapshot';
  /** ISO-8601 UTC. */
  time: string;
  tradingDay: string;
  /** Masked (e.g. DU****67). */
  account: string;
  currency: string;
  figures: AccountFigures;
  positions: PositionView[];
}

/** interval: the setting's cadence; close: a session's close; positions: holdings changed (fills). */
export type SnapshotReason = 'interval' | 'close' | 'positions' | 'manual';

export const HISTORY_RANGES = ['1W', '1M', '3M', 'YTD', 'ALL'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export interface EquityPoint {
  time: string;
  netLiquidation: number;
  /** (netLiquidation - running peak) / running peak, <= 0. */
  drawdown: number;
  grossPositionValue: number;
}

export interface DailyPnlBar {
  day: string;
  pnl: number;
}

export interface SectorExposurePoint {
  time: string;
  /** Sector -> market value / net liquidation at that snapshot ('' = no sector). */
  weights: Record<string, number>;
}

export interface AccountHistory {
  range: HistoryRange;
  from: string | null;
  equity: EquityPoint[];
  dailyPnl: DailyPnlBar[];
  sectors: string[];
  exposure: SectorExposurePoint[];
  maxDrawdown: number;
}
