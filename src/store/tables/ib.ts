import type { Generated } from 'kysely';

/** One row (id 1): the IB connection as the adapter sees it now. Accounts are stored masked. */
export interface IbConnectionStateTable {
  id: number;
  status: string;
  reason: string | null;
  since: string;
  host: string;
  port: number;
  client_id: number;
  mode: string;
  server_version: number | null;
  accounts_masked: string;
  last_heartbeat_at: string | null;
  reconnect_count: number;
  last_error_json: string | null;
  /** The reason as an `IbReason` (JSON); null on rows written before 0021. */
  reason_code_json: string | null;
  updated_at: string;
}

/** Every transition of the connection state, appended. */
export interface IbConnectionHistoryTable {
  id: Generated<number>;
  time: string;
  status: string;
  reason: string | null;
  reconnect_count: number;
  last_error_json: string | null;
  /** The reason as an `IbReason` (JSON); null on rows written before 0021. */
  reason_code_json: string | null;
}

/** symbol -> IB contract; unresolved symbols keep IB's reason so the report can show it. */
export interface IbContractCacheTable {
  symbol: string;
  currency: string;
  status: string;
  con_id: number | null;
  sec_type: string;
  exchange: string;
  primary_exchange: string;
  multiplier: number;
  min_tick: number;
  lot_size: number;
  long_name: string;
  industry: string;
  category: string;
  time_zone_id: string;
  trading_hours: string;
  liquid_hours: string;
  candidates: number;
  error: string | null;
  fetched_at: string;
}

export interface IbTables {
  ib_connection_state: IbConnectionStateTable;
  ib_connection_history: IbConnectionHistoryTable;
  ib_contract_cache: IbContractCacheTable;
}
