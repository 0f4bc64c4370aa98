import type { Generated } from 'kysely';

/**
 * Tables of the risk module. A trading state row exists per scope ('account' for the whole account,
 * 'project:<id>' for one project); no row means ACTIVE. Risk events are append-only evidence.
 */
export interface TradingStateTable {
  scope: string;
  state: string;
  reason: string;
  changed_at: string;
  changed_by: string;
}

export interface RiskEventsTable {
  id: Generated<number>;
  time: string;
  scope: string;
  /** pretrade.blocked, intraday.warning, intraday.trigger, state.changed, fallback.used */
  kind: string;
  /** The failed rule or limit, or '' where none applies. */
  rule: string;
  run_id: number | null;
  detail_json: string;
}

export interface RiskTables {
  trading_state: TradingStateTable;
  risk_events: RiskEventsTable;
}
