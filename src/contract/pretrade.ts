/**
 * Pre-trade checks of a run: every rule's verdict with its numbers, as the run records them and the
 * Live Trading run view shows them. Pure zod, shared with the web app.
 */
import { z } from 'zod';

export const PreTradeRuleName = z.enum(['funds', 'margin', 'exposure', 'fat-finger', 'state']);
export type PreTradeRuleName = z.infer<typeof PreTradeRuleName>;

const Figure = z.union([z.number(), z.string()]);

/** One finding: a code (`risk.<rule>.<what>`) the UI translates, with the numbers behind it. */
export const RiskFindingView = z.object({
  code: z.string(),
  symbol: z.string().optional(),
  params: z.record(z.string(), Figure),
});
export type RiskFindingView = z.infer<typeof RiskFindingView>;

export const RuleVerdictView = z.object({
  rule: PreTradeRuleName,
  passed: z.boolean(),
  /** What the rule measured, pass or fail. */
  measured: z.record(z.string(), Figure),
  /** Why it failed; empty when it passed. */
  findings: z.array(RiskFindingView),
});
export type RuleVerdictView = z.infer<typeof RuleVerdictView>;

/** A run's pre-trade record: null on runs that never had an order list to check. */
export const RunPreTradeView = z.object({
  passed: z.boolean(),
  checkedAt: z.string(),
  /** Orders in the list that was checked. */
  orders: z.number().int(),
  verdicts: z.array(RuleVerdictView),
  /** The limits the rules applied (the project's `risk` parameters). */
  limits: z.record(z.string(), z.union([z.number(), z.boolean(), z.null()])),
});
export type RunPreTradeView = z.infer<typeof RunPreTradeView>;
