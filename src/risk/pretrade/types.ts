import { z } from 'zod';

/** Trading states after NautilusTrader's risk engine: REDUCING lets only exposure-reducing orders through. */
export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

export type TradeSide = 'BUY' | 'SELL';

/** One order of a run's list, as the pre-trade rules see it (before anything is sent). */
export interface PreTradeOrder {
  symbol: string;
  side: TradeSide;
  /** Shares, > 0; the side gives the direction. */
  quantity: number;
  /** The price the order was sized with (the arrival price). */
  price: number;
}

/** IB's what-if answer for the whole order list: margin after the orders, nothing placed. */
export interface WhatIfMargin {
  initMarginAfter: number;
  maintMarginAfter: number;
  equityWithLoanAfter: number;
}

/** Everything the rules look at; gathered once per run so each rule is a pure function of it. */
export interface PreTradeInput {
  orders: readonly PreTradeOrder[];
  account: {
    /** The configured account id (clear text stays here; verdicts carry it masked). */
    accountId: string;
    mode: 'paper' | 'live';
    netLiquidation: number;
    cash: number;
  };
  /** Current positions in shares, by symbol (negative = short). */
  positions: ReadonlyMap<string, number>;
  /** Reference prices of every symbol held or ordered. */
  prices: ReadonlyMap<string, number>;
  previousClose: ReadonlyMap<string, number>;
  /** Average daily volume in shares over the project's ADV window (from IB bars). */
  averageDailyVolume: ReadonlyMap<string, number>;
  /** GICS sector of each symbol, from the project's themes. */
  sectors: ReadonlyMap<string, string>;
  /** Absent when IB did not answer the what-if; the margin rule then fails rather than guess. */
  margin?: WhatIfMargin;
  tradingState: TradingState;
  /**
   * Set for a halt's defensive move (a `defensive` snapshot's run): the state rule lets its orders
   * through a halt when they only reduce positions or buy this symbol (null: to cash), and the
   * exposure caps per name and sector spare the symbol.
   */
  defensive?: { symbol: string | null };
}

const fraction = (max: number) =>
  z.number({ error: 'must be a number' }).min(0, 'must not be negative').max(max, `must be at most ${max}`);
const positiveOrNull = z
  .number({ error: 'must be a number or null' })
  .positive('must be positive')
  .nullable();

/**
 * Pre-trade limits of a project. Weight caps are shares of net liquidation; money is in the account's
 * currency. `null` turns an absolute limit off; the relative ones are always on.
 */
export const preTradeLimitsSchema = z
  .object({
    /** Cash kept after the run's sells and buys, as a share of net liquidation. */
    cashBuffer: fraction(1).default(0.01),
    /** Post-trade initial margin at most this share of equity with loan value (IB what-if). */
    maxInitialMarginShare: fraction(1).default(0.8),
    maxPositionValue: positiveOrNull.default(null),
    maxPositionShares: positiveOrNull.default(null),
    maxPositionWeight: fraction(1).default(0.1),
    maxSectorWeight: fraction(1).default(0.4),
    maxGrossExposure: fraction(2).default(1),
    /**
     * Lot rounding and prices that moved since sizing make post-trade weights drift a little past a cap
     * the decision respected; this much is tolerated.
     */
    weightTolerance: fraction(0.05).default(0.005),
    allowShort: z.boolean({ error: 'must be true or false' }).default(false),
    maxOrderValue: positiveOrNull.default(1_000_000),
    /** An order's quantity at most this share of the symbol's average daily volume. */
    maxAdvShare: fraction(1).default(0.05),
    /** An order's price within this band around the previous close. */
    priceBand: fraction(1).default(0.1),
    maxOrdersPerRun: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .positive('must be positive')
      .max(10_000, 'must be at most 10000')
      .default(1000),
  })
  .strict();

export type PreTradeLimits = z.infer<typeof preTradeLimitsSchema>;
export type PreTradeLimitsInput = z.input<typeof preTradeLimitsSchema>;

export const PRE_TRADE_RULES = ['funds', 'margin', 'exposure', 'fat-finger', 'state'] as const;
export type PreTradeRuleName = (typeof PRE_TRADE_RULES)[number];

/** One finding of a rule: a code the UI translates, with the numbers behind it. */
export interface RiskFinding {
  code: string;
  symbol?: string;
  params: Record<string, number | string>;
}

export interface RuleVerdict {
  rule: PreTradeRuleName;
  passed: boolean;
  /** What the rule measured, pass or fail (for the run's checklist and the risk panel's bars). */
  measured: Record<string, number | string>;
  /** Why it failed; empty when it passed. */
  findings: RiskFinding[];
}

/** A pre-trade rule: one method over the whole order list (Lean's one-method risk models). */
export interface PreTradeRule {
  readonly name: PreTradeRuleName;
  check(input: PreTradeInput, limits: PreTradeLimits): RuleVerdict;
}
