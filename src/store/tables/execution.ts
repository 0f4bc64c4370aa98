import type { Generated } from 'kysely';

/**
 * Tables of the execution module. Times are ISO-8601 UTC strings; JSON is text (see schema.ts).
 * Quantities are whole shares; prices and money are numbers (double precision on both engines).
 */

/** One row per lease name; the holder with an unexpired row may trade. */
export interface ExecutionLeaseTable {
  name: string;
  /** '' when nobody has ever held it. */
  holder: string;
  /** Fencing token: incremented on every acquisition, never on a renewal. */
  token: number;
  acquired_at: string;
  heartbeat_at: string;
  /** '' (sorts before every time) when released. */
  expires_at: string;
}

export interface TradeRunsTable {
  id: Generated<number>;
  /** The project's name when the run was created (display only; the key is project_id). */
  project: string;
  /** Null only for runs created before runs named their project by id (migration 0007). */
  project_id: number | null;
  /** YYYY-MM-DD, the exchange's trading date. */
  trading_date: string;
  mode: string;
  status: string;
  /** The weights the run was started with, as given. */
  weights_json: string;
  /** Target shares per symbol, frozen at the first planning so that a re-plan is idempotent. */
  targets_json: string | null;
  /** Sizing evidence: prices, net liquidation, cash buffer, ... */
  plan_json: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** The decision snapshot the run trades (0014); null only for runs from before snapshots. */
  snapshot_id: number | null;
  /** The snapshot's content hash when the run was created; verified before every plan. */
  snapshot_hash: string | null;
  /** Every pre-trade rule's verdict with its numbers (0015); null before the checks ran. */
  pretrade_json: string | null;
  /**
   * The run's kind within its day (0019): the key is (project_id, trading_date, run_key). 'scheduled'
   * is the weekly or manual run (every run before 0019); `defensive:<haltKey>` a halt's defensive move.
   */
  run_key: Generated<string>;
}

export interface TradeOrdersTable {
  id: Generated<number>;
  run_id: number;
  /** Deterministic client order id, sent to IB as orderRef; unique. */
  client_order_id: string;
  symbol: string;
  con_id: number;
  side: string;
  leg: number;
  quantity: number;
  order_type: string;
  limit_price: number | null;
  tif: string;
  account: string;
  /** Our state: NEW, SUBMITTED, PARTIAL, FILLED, CANCELED, REJECTED. */
  status: string;
  /** IB's last status string, as received. */
  ib_status: string | null;
  /** Set (committed) just before place(); null = never handed to the broker (or known not to have arrived). */
  ib_order_id: number | null;
  perm_id: number | null;
  filled_qty: number;
  avg_fill_price: number | null;
  /** Fencing token of the lease holder that recorded the intent / last sent it. */
  lease_token: number;
  send_attempts: number;
  last_error: string | null;
  /** Whether the order came from reconciliation (found at the broker with our prefix, not in the DB). */
  adopted: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
}

export interface TradeOrderEventsTable {
  id: Generated<number>;
  order_id: number;
  time: string;
  /** intent, send, send-failed, ib-status, ib-open, fill, ib-error, reconcile, adopt, cancel-request */
  kind: string;
  from_status: string | null;
  to_status: string | null;
  ib_status: string | null;
  /** 1 when the event was applied, 0 when it was refused (illegal transition). */
  accepted: number;
  detail_json: string | null;
}

export interface TradeFillsTable {
  exec_id: string;
  order_id: number;
  client_order_id: string;
  ib_order_id: number;
  perm_id: number;
  account: string;
  symbol: string;
  side: string;
  shares: number;
  price: number;
  exchange: string;
  exec_time: string;
  commission: number | null;
  commission_currency: string | null;
  realized_pnl: number | null;
  recorded_at: string;
}

export interface TradeReconciliationsTable {
  id: Generated<number>;
  time: string;
  reason: string;
  holder: string;
  lease_token: number;
  /** ok | failed */
  status: string;
  summary_json: string;
  details_json: string;
  error: string | null;
  /** `error` as a catalogued message (JSON), when the error had one; null on rows before 0021. */
  error_text_json: string | null;
}

export interface ExecutionTables {
  execution_lease: ExecutionLeaseTable;
  trade_runs: TradeRunsTable;
  trade_orders: TradeOrdersTable;
  trade_order_events: TradeOrderEventsTable;
  trade_fills: TradeFillsTable;
  trade_reconciliations: TradeReconciliationsTable;
}
