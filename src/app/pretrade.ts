import { enqueueAlert } from '../alerts/index.js';
import type { RiskAlertParams } from '../contract/alert-texts.js';
import type { BlockedRunAlert, PreTradeOptions } from '../execution/index.js';
import { type PreTradeLimitsInput, preTradeLimitsSchema, TradingStates } from '../risk/index.js';
import type { AppContext } from './context.js';

/**
 * The pre-trade checks wired to the application: a project's limits from its current parameters,
 * sectors from its themes, trading states from the database, and the alert outbox. Every process
 * that trades (the server's lease holder, `ibloop execution run`) passes this to its execution
 * runtime, so no order list reaches the broker unchecked.
 */
export function preTradeOptions(ctx: AppContext): PreTradeOptions {
  return {
    tradingStates: new TradingStates(ctx.store.db, ctx.audit, ctx.clock),
    async projectRisk(projectId) {
      const project = await ctx.projects.get(projectId);
      const members = await ctx.themes.universe(project.params.themeIds);
      const sectors = new Map<string, string>();
      for (const member of members) if (member.sector) sectors.set(member.symbol, member.sector);
      return { name: project.name, limits: preTradeLimitsOf(project.params.risk), sectors };
    },
    async alert(blocked) {
      await enqueueAlert(ctx, {
        kind: 'risk.triggered',
        // One alert per blocked run: a second block of the same run counts on the open one.
        dedupeKey: `pretrade:run:${blocked.runId}`,
        params: preTradeAlertParams(blocked),
      });
    },
    logger: {
      info: (fields, message) => ctx.logger.info(fields, message),
      warn: (fields, message) => ctx.logger.warn(fields, message),
      error: (fields, message) => ctx.logger.error(fields, message),
    },
  };
}

/** A blocked run's `risk.triggered` parameters: the rules and findings each language renders. */
export function preTradeAlertParams(blocked: BlockedRunAlert): RiskAlertParams {
  return {
    rule: 'pretrade',
    rules: blocked.rules,
    runId: blocked.runId,
    tradingDate: blocked.tradingDate,
    findings: blocked.findings,
    detail: blocked.detail,
    project: blocked.project,
  };
}

/** Only the pre-trade fields of `risk`: the intraday monitor's fields live beside them. */
function preTradeLimitsOf(risk: Readonly<Record<string, unknown>>): PreTradeLimitsInput {
  const limits: Record<string, unknown> = {};
  for (const key of Object.keys(preTradeLimitsSchema.shape)) if (key in risk) limits[key] = risk[key];
  return preTradeLimitsSchema.parse(limits);
}
