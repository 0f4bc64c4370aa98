import type { Brokerage, BrokerContract, OrderRequest, WhatIfAnswer } from '../brokerage/index.js';
import type { StopReason } from '../contract/execution.js';
import type { RuleVerdictView, RunPreTradeView } from '../contract/pretrade.js';
import { inBatches } from '../core/batches.js';
import { type Clock, isoNow } from '../core/clock.js';
import {
  checkPreTrade,
  type PreTradeLimitsInput,
  type PreTradeOrder,
  type PreTradeRuleName,
  projectScope,
  type RiskFinding,
  type TradingStates,
  type WhatIfMargin,
} from '../risk/index.js';
import type { EngineLogger, SendGate } from './engine.js';
import type { LastCloses } from './prices.js';
import type { ExecutionRepository } from './repository.js';
import type { OrderIntent, TradeRun } from './types.js';

/** A project's pre-trade limits and the GICS sector of each of its symbols (from its themes). */
export interface ProjectRisk {
  name: string;
  limits: PreTradeLimitsInput;
  sectors: ReadonlyMap<string, string>;
}

/** What the alert of a blocked run says; the server turns it into a `risk.triggered` alert. */
export interface BlockedRunAlert {
  runId: number;
  projectId: number;
  project: string;
  tradingDate: string;
  /** The failed rules, in the order they ran. */
  rules: PreTradeRuleName[];
  /** The first findings (code, symbol, figures): each language renders its own sentence from them. */
  findings: RiskFinding[];
  /** The same findings as `code symbol k=v`, for logs and API users. */
  detail: string;
}

/** Findings an alert carries: enough to say what failed without a wall of text on a phone. */
const ALERT_FINDINGS = 5;

export interface PreTradeOptions {
  projectRisk(projectId: number): Promise<ProjectRisk>;
  tradingStates: TradingStates;
  /** Raises the alert of a blocked run (the alert outbox). */
  alert(blocked: BlockedRunAlert): Promise<void>;
  /** Daily bars averaged for the average daily volume (default 20). */
  advDays?: number;
  /**
   * What-if orders in flight at once (default 10). The adapter's pacer spaces them like every other
   * message; a bound keeps each one's answer within the request time-out however long the list is.
   */
  whatIfConcurrency?: number;
  logger?: EngineLogger;
}

/** One order of the list as planned, with what the what-if needs. */
export interface PlannedCheckOrder extends PreTradeOrder {
  intent: OrderIntent;
  contract: BrokerContract;
}

export interface PreTradeRequest {
  run: TradeRun;
  projectId: number;
  account: string;
  mode: 'paper' | 'live';
  orders: readonly PlannedCheckOrder[];
  /** Shares by symbol that the plan starts from. */
  positions: Readonly<Record<string, number>>;
  /** Sizing prices of every symbol held or ordered. */
  prices: Readonly<Record<string, number>>;
  risk: ProjectRisk;
  /** A last-good run with the feed stopped: the stored daily bars, for the symbols IB gives none. */
  storedDaily?: LastCloses;
}

interface DailyStats {
  adv: number | undefined;
  previousClose: number | undefined;
}

const DAY_MS = 86_400_000;

/**
 * Gathers what the pre-trade rules look at for a run's whole order list (account, positions, prices,
 * IB daily bars, IB what-if margin, the trading state), runs every rule, and records a block.
 */
export class PreTradeGate {
  /** Daily statistics by `symbol|tradingDate`: the bars of a past day do not change. */
  private readonly daily = new Map<string, DailyStats>();
  private readonly logger: EngineLogger;

  constructor(
    private readonly broker: Brokerage,
    private readonly clock: Clock,
    private readonly options: PreTradeOptions,
  ) {
    this.logger = options.logger ?? { info: () => {}, warn: () => {}, error: () => {} };
  }

  projectRisk(projectId: number): Promise<ProjectRisk> {
    return this.options.projectRisk(projectId);
  }

  async review(request: PreTradeRequest): Promise<RunPreTradeView> {
    const { orders } = request;
    const summary = await this.broker.account.summary();
    const stats = orStored(
      await this.dailyStats(
        orders.map((o) => o.contract),
        request.run.tradingDate,
      ),
      request.storedDaily,
    );
    const margin = await this.whatIfMargin(orders);
    const state = await this.options.tradingStates.effective(request.projectId);
    const defensive = await this.options.tradingStates.defensiveRun(request.run.id);
    const report = checkPreTrade(
      {
        orders: orders.map(({ symbol, side, quantity, price }) => ({ symbol, side, quantity, price })),
        account: {
          accountId: request.account,
          mode: request.mode,
          netLiquidation: summary.netLiquidation,
          cash: summary.totalCash,
        },
        positions: new Map(Object.entries(request.positions)),
        prices: new Map(Object.entries(request.prices)),
        previousClose: definedEntries(stats, (s) => s.previousClose),
        averageDailyVolume: definedEntries(stats, (s) => s.adv),
        sectors: request.risk.sectors,
        ...(margin ? { margin } : {}),
        tradingState: state.state,
        ...(defensive ? { defensive } : {}),
      },
      request.risk.limits,
    );
    return {
      passed: report.passed,
      checkedAt: isoNow(this.clock),
      orders: orders.length,
      verdicts: report.verdicts,
      limits: report.limits,
    };
  }

  /**
   * BLOCKED with every verdict, one risk event per failed rule (with its evidence) and the audit
   * record in one transaction; then the alert. Returns the reason the run stopped (the failed rules).
   */
  async block(
    repo: ExecutionRepository,
    request: Pick<PreTradeRequest, 'run' | 'projectId' | 'risk'>,
    record: RunPreTradeView,
  ): Promise<StopReason> {
    const { run, projectId } = request;
    const failed = record.verdicts.filter((v) => !v.passed);
    // The run's error column keeps the English line (logs, API users); the UI reads the verdicts.
    const reason = `blocked by pre-trade risk: ${failed.map((v) => v.rule).join(', ')}`;
    await repo.blockRun(run.id, record, reason, async (trx) => {
      for (const verdict of failed) {
        await this.options.tradingStates.recordEvent(
          {
            scope: projectScope(projectId),
            kind: 'pretrade.blocked',
            rule: verdict.rule,
            runId: run.id,
            detail: {
              tradingDate: run.tradingDate,
              orders: record.orders,
              measured: verdict.measured,
              findings: verdict.findings,
            },
          },
          trx,
        );
      }
    });
    try {
      await this.options.alert(blockedRunAlert(run, projectId, request.risk.name, failed));
    } catch (error) {
      // The block stands either way; a lost alert must not turn a blocked run into a failed request.
      this.logger.error({ err: error, runId: run.id }, 'could not queue the pre-trade risk alert');
    }
    return { code: 'pretrade-blocked', rules: failed.map((v) => v.rule) };
  }

  /**
   * Average daily volume and previous close from IB's daily bars before the trading date. A symbol
   * IB has no bars for stays unknown and the fat-finger rule refuses it rather than guess.
   */
  private async dailyStats(
    contracts: readonly BrokerContract[],
    tradingDate: string,
  ): Promise<Map<string, DailyStats>> {
    const dayStartMs = Date.parse(`${tradingDate}T00:00:00Z`);
    const advDays = this.options.advDays ?? 20;
    const out = new Map<string, DailyStats>();
    const missing = contracts.filter((contract) => {
      const known = this.daily.get(`${contract.symbol}|${tradingDate}`);
      if (known) out.set(contract.symbol, known);
      return !known;
    });
    await inBatches(missing, this.options.whatIfConcurrency ?? 10, async (contract) => {
      let stats: DailyStats = { adv: undefined, previousClose: undefined };
      try {
        const bars = (
          await this.broker.history.bars({
            contract,
            endMs: null,
            // Calendar days: enough trading days for the average even across holidays.
            duration: `${Math.ceil(advDays * 1.6) + 5} D`,
            barSize: '1 day',
            whatToShow: 'TRADES',
            useRth: true,
          })
        ).filter((bar) => bar.timeMs < dayStartMs && bar.timeMs >= dayStartMs - 400 * DAY_MS);
        const recent = bars.slice(-advDays);
        stats = {
          adv: recent.length > 0 ? recent.reduce((sum, b) => sum + b.volume, 0) / recent.length : undefined,
          previousClose: bars.at(-1)?.close,
        };
        this.daily.set(`${contract.symbol}|${tradingDate}`, stats);
      } catch (error) {
        this.logger.warn({ err: error, symbol: contract.symbol }, 'no daily bars for the pre-trade checks');
      }
      out.set(contract.symbol, stats);
    });
    return out;
  }

  /**
   * IB's what-if for every order of the list; the list's margin is the first answer's "before" plus
   * every order's change (additive under Reg-T, where each stock's requirement is its own). Any
   * order IB does not answer leaves the margin unknown, which fails the margin rule.
   */
  private async whatIfMargin(orders: readonly PlannedCheckOrder[]): Promise<WhatIfMargin | undefined> {
    const ask = this.broker.orders.whatIf?.bind(this.broker.orders);
    if (!ask || orders.length === 0) return undefined;
    const answers: WhatIfAnswer[] = [];
    try {
      await inBatches(orders, this.options.whatIfConcurrency ?? 10, async (order) => {
        const request: OrderRequest = {
          orderId: this.broker.orders.nextOrderId(),
          // Not our order-ref prefix: a what-if answer is never taken for one of our orders.
          orderRef: 'whatif',
          contract: order.contract,
          side: order.side,
          quantity: order.quantity,
          type: order.intent.orderType,
          ...(order.intent.limitPrice !== null ? { limitPrice: order.intent.limitPrice } : {}),
          tif: order.intent.tif,
          account: order.intent.account,
        };
        answers.push(await ask(request));
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'what-if margin unavailable: the margin rule fails');
      return undefined;
    }
    const first = answers[0];
    if (!first || first.initMarginBefore === null || first.equityWithLoanBefore === null) return undefined;
    let init = first.initMarginBefore;
    let maint = first.maintMarginBefore ?? 0;
    let equity = first.equityWithLoanBefore;
    for (const answer of answers) {
      if (answer.initMarginChange === null || answer.equityWithLoanChange === null) return undefined;
      init += answer.initMarginChange;
      maint += answer.maintMarginChange ?? 0;
      equity += answer.equityWithLoanChange;
    }
    return { initMarginAfter: init, maintMarginAfter: maint, equityWithLoanAfter: equity };
  }
}

function definedEntries(
  stats: ReadonlyMap<string, DailyStats>,
  pick: (s: DailyStats) => number | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [symbol, s] of stats) {
    const value = pick(s);
    if (value !== undefined) out.set(symbol, value);
  }
  return out;
}

/** IB's daily statistics; where IB answered none (its data stopped), the ones read from the bar store. */
function orStored(stats: Map<string, DailyStats>, stored: LastCloses | undefined): Map<string, DailyStats> {
  if (!stored) return stats;
  for (const [symbol, found] of stats) {
    const bar = stored[symbol];
    if (bar)
      stats.set(symbol, { adv: found.adv ?? bar.adv, previousClose: found.previousClose ?? bar.price });
  }
  return stats;
}

/** The alert of a run its failed verdicts blocked: the rules and the first findings, structured. */
export function blockedRunAlert(
  run: Pick<TradeRun, 'id' | 'tradingDate'>,
  projectId: number,
  project: string,
  failed: readonly RuleVerdictView[],
): BlockedRunAlert {
  // Round-robin over the failed rules: each rule's first finding before any rule's second.
  const findings: RiskFinding[] = [];
  const longest = Math.max(0, ...failed.map((v) => v.findings.length));
  for (let i = 0; i < longest && findings.length < ALERT_FINDINGS; i++) {
    for (const verdict of failed) {
      const finding = verdict.findings[i];
      if (finding && findings.length < ALERT_FINDINGS) findings.push(finding);
    }
  }
  const detail = findings
    .map((f) =>
      [f.code, f.symbol ?? '', ...Object.entries(f.params).map(([k, v]) => `${k}=${v}`)]
        .filter(Boolean)
        .join(' '),
    )
    .join('; ');
  return {
    runId: run.id,
    projectId,
    project,
    tradingDate: run.tradingDate,
    rules: failed.map((v) => v.rule),
    findings,
    detail,
  };
}

/**
 * The engine's last check before each send: the effective trading state (the stricter of the
 * account's and the project's). HALTED lets nothing leave; REDUCING lets sells leave (the product
 * is long-only unless a project allows shorting, so a buy can only add exposure there).
 */
export function tradingStateGate(states: TradingStates): SendGate {
  return async (projectId, side, order) => {
    const view = await states.effective(projectId ?? undefined);
    if (view.state === 'ACTIVE') return null;
    // A halt's defensive run: its pre-trade check let only reducing orders and defensive-asset buys in.
    if (order) {
      const defensive = await states.defensiveRun(order.runId);
      if (defensive && (side === 'SELL' || order.symbol === defensive.symbol)) return null;
    }
    // The halt's reason is the state's (the risk page shows it with its cause), not the order's.
    if (view.state === 'HALTED') return { code: 'trading-halted' };
    if (side === 'BUY') return { code: 'trading-reducing' };
    return null;
  };
}
