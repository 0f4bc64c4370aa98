import type { Generated } from 'kysely';

/**
 * Tables of the risk module. A trading state row exists per scope ('account' for the whole account,
 * 'project:<id>' for one project); no row means ACTIVE. Risk events are append-only evidence.
 */
export interface TradingStateTable {
  scope: string;
  state: string;
  reason: string;
  /** An automatic change's cause as JSON (contract StateCause); null when a person made it. */
  cause_json: string | null;
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

/** One row per (masked) account: the intraday monitor's high-water mark, day start and latest reading. */
export interface RiskMarksTable {
  account: string;
  trading_day: string;
  start_of_day_nav: number | null;
  high_water_mark: number;
  high_water_at: string;
  net_liquidation: number;
  daily_pnl: number | null;
  read_at: string;
}

export interface RiskTables {
  trading_state: TradingStateTable;
  risk_events: RiskEventsTable;
  risk_marks: RiskMarksTable;
}
