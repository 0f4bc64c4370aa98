import type { Generated } from 'kysely';

/**
 * Tables of the monitoring module. Times are ISO-8601 UTC strings (see schema.ts); money is double
 * precision. The account id is stored masked: the UI and the CLI never need it in clear.
 */
export interface AccountSnapshotsTable {
  id: Generated<number>;
  time: string;
  /** YYYY-MM-DD, the exchange's trading day the snapshot belongs to. */
  trading_day: string;
  /** interval | close | positions | manual */
  reason: string;
  account: string;
  currency: string;
  net_liquidation: number;
  total_cash: number;
  buying_power: number;
  available_funds: number;
  excess_liquidity: number;
  init_margin: number | null;
  maint_margin: number | null;
  gross_position_value: number;
  daily_pnl: number | null;
  unrealized_pnl: number | null;
  realized_pnl: number | null;
}

export interface PositionSnapshotsTable {
  snapshot_id: number;
  symbol: string;
  con_id: number;
  quantity: number;
  avg_cost: number;
  market_price: number;
  market_value: number;
  unrealized_pnl: number;
  realized_pnl: number;
  /** From the themes' members; '' when no theme names one. */
  sector: string;
}

export interface MonitoringTables {
  account_snapshots: AccountSnapshotsTable;
  position_snapshots: PositionSnapshotsTable;
}
