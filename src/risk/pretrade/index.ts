import { DEFAULT_PRE_TRADE_RULES } from './rules.js';
import {
  type PreTradeInput,
  type PreTradeLimits,
  type PreTradeLimitsInput,
  type PreTradeRule,
  preTradeLimitsSchema,
  type RuleVerdict,
} from './types.js';

export interface PreTradeReport {
  /** False when any rule failed: then no order of the run may be sent. */
  passed: boolean;
  verdicts: RuleVerdict[];
  limits: PreTradeLimits;
}

/**
 * Runs every pre-trade rule over a run's whole order list (DESIGN step 6). Every rule runs even after
 * one failed, so the run records each verdict with its numbers; one failure blocks the whole list.
 */
export function checkPreTrade(
  input: PreTradeInput,
  limitsInput: PreTradeLimitsInput = {},
  rules: readonly PreTradeRule[] = DEFAULT_PRE_TRADE_RULES,
): PreTradeReport {
  const limits = preTradeLimitsSchema.parse(limitsInput);
  const verdicts = rules.map((rule) => rule.check(input, limits));
  return { passed: verdicts.every((v) => v.passed), verdicts, limits };
}

export {
  accountMatchesMode,
  DEFAULT_PRE_TRADE_RULES,
  exposureRule,
  fatFingerRule,
  fundsRule,
  marginRule,
  positionsAfter,
  stateRule,
} from './rules.js';
export {
  PRE_TRADE_RULES,
  type PreTradeInput,
  type PreTradeLimits,
  type PreTradeLimitsInput,
  type PreTradeOrder,
  type PreTradeRule,
  type PreTradeRuleName,
  preTradeLimitsSchema,
  type RiskFinding,
  type RuleVerdict,
  TRADING_STATES,
  type TradeSide,
  type TradingState,
  type WhatIfMargin,
} from './types.js';
