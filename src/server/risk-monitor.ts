import { enqueueAlert } from '../alerts/index.js';
import type { AppContext } from '../app/context.js';
import { maskAccount } from '../brokerage/ib/index.js';
import { stopReasonLine } from '../contract/execution-texts.js';
import type { ExecutionRuntime, TradeOrder } from '../execution/index.js';
import type { IbRuntime } from '../marketdata/runtime.js';
import {
  type AccountFiguresNow,
  DEFENSIVE_ACTOR,
  type DefendedProject,
  DefensiveActions,
  type IntradayLimits,
  type MonitoredScope,
  projectScope,
  RiskMarks,
  RiskMonitor,
  TradingStates,
} from '../risk/index.js';

/** The account's own limits (settings), then every project's (its parameters' `risk`). */
export async function monitoredScopes(ctx: AppContext): Promise<MonitoredScope[]> {
  const settings = await ctx.settings.resolve();
  const account: IntradayLimits = {
    maxDailyLoss: Number(settings.RISK_ACCOUNT_MAX_DAILY_LOSS.value ?? 0.05),
    maxDrawdown: Number(settings.RISK_ACCOUNT_MAX_DRAWDOWN.value ?? 0.2),
    warningAt: 0.8,
    drawdownAction: 'HALTED',
  };
  const scopes: MonitoredScope[] = [{ scope: 'account', projectId: null, name: '', limits: account }];
  for (const project of await ctx.projects.list()) {
    const risk = project.params.risk;
    scopes.push({
      scope: projectScope(project.id),
      projectId: project.id,
      name: project.name,
      limits: {
        maxDailyLoss: risk.maxDailyLoss,
        maxDrawdown: risk.maxDrawdown,
        warningAt: risk.warningAt,
        drawdownAction: risk.drawdownAction,
      },
    });
  }
  return scopes;
}

export interface RiskMonitorWiring {
  ctx: AppContext;
  hub: { publish(name: string, data: unknown): void };
  ib: IbRuntime;
  execution: ExecutionRuntime;
  everyMs?: number;
}

/**
 * The intraday monitor of the lease holder: it reads IB only while this process holds the execution
 * lease with a connected broker, and cancels through the execution engine (the normal adapter path).
 */
export function createRiskMonitor(wiring: RiskMonitorWiring): RiskMonitor {
  const { ctx, ib, execution } = wiring;
  const states = new TradingStates(ctx.store.db, ctx.audit, ctx.clock);
  const log = {
    warn: (obj: object, msg: string) => ctx.logger.warn(obj, msg),
    error: (obj: object, msg: string) => ctx.logger.error(obj, msg),
  };
  const defensive = createDefensiveActions(ctx, execution, states, log);
  return new RiskMonitor({
    states,
    marks: new RiskMarks(ctx.store.db),
    clock: ctx.clock,
    read: () => readFigures(ib, execution),
    scopes: () => monitoredScopes(ctx),
    onTrigger: (scope, to) => cancelOpenOrders(execution, scope.projectId, to, log),
    alert: async (alert) => {
      await enqueueAlert(ctx, alert);
    },
    afterCheck: (status) => void defensive.ensure(status.scopes),
    publish: (name, data) => wiring.hub.publish(name, data),
    ...(wiring.everyMs !== undefined ? { everyMs: wiring.everyMs } : {}),
    logger: log,
  });
}

/**
 * The defensive move of halted projects through the execution service: a `defensive` snapshot
 * (SnapshotStore.freezeDefensive), then `executeTargets` with it, like any run.
 */
export function createDefensiveActions(
  ctx: AppContext,
  execution: ExecutionRuntime,
  states: TradingStates,
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
): DefensiveActions {
  return new DefensiveActions({
    db: ctx.store.db,
    states,
    audit: ctx.audit,
    clock: ctx.clock,
    logger,
    async held() {
      const account = execution.engine.account();
      const positions = await execution.engine.broker.account.positions();
      return [
        ...new Set(positions.filter((p) => p.account === account && p.quantity !== 0).map((p) => p.symbol)),
      ].sort();
    },
    async projects(): Promise<DefendedProject[]> {
      return (await ctx.projects.list()).map((project) => ({
        id: project.id,
        name: project.name,
        defensive: project.params.risk.defensive,
        // What portfolio construction keeps, and never less than the funds rule's buffer plus a margin.
        cashShare: Math.max(project.params.portfolio.cashBuffer, project.params.risk.cashBuffer + 0.01),
      }));
    },
    async freeze(input) {
      const { snapshot, created } = await execution.service.snapshots.freezeDefensive({
        ...input,
        actor: DEFENSIVE_ACTOR,
      });
      return { snapshotId: snapshot.id, created };
    },
    async execute(input) {
      const result = await execution.service.executeTargets({ ...input, actor: DEFENSIVE_ACTOR });
      return {
        runId: result.run.id,
        status: result.run.status,
        sent: result.sent,
        // The defensive actions log it: the English line (the code is in the run's own answer).
        stoppedBecause: result.stoppedBecause && stopReasonLine(result.stoppedBecause),
      };
    },
    alert: async (alert) => {
      await enqueueAlert(ctx, alert);
    },
    // Past the wait's bound: the broker is asked where the orders stand, and to cancel them again.
    async reconcile() {
      const report = await execution.engine.reconcile('manual');
      if (report.status !== 'ok') throw new Error(`reconciliation failed: ${report.error ?? 'unknown'}`);
    },
    cancel: (orderId) => execution.engine.cancel(orderId),
  });
}

async function readFigures(
  ib: IbRuntime,
  execution: ExecutionRuntime,
): Promise<AccountFiguresNow | undefined> {
  if (!execution.lease.isHeld()) return undefined;
  const broker = ib.brokerage;
  const status = broker.connection.state().status;
  if (status !== 'CONNECTED' && status !== 'DEGRADED') return undefined;
  const [summary, pnl] = await Promise.all([
    broker.account.summary(),
    broker.account.pnl ? broker.account.pnl() : Promise.resolve(null),
  ]);
  // A summary without net liquidation is a missing figure, not a total loss.
  if (!(summary.netLiquidation > 0)) return undefined;
  return {
    account: summary.account ? maskAccount(summary.account) : '',
    netLiquidation: summary.netLiquidation,
    dailyPnl: pnl?.dailyPnl ?? null,
  };
}

/**
 * HALTED: every open order of the scope is cancelled (sent ones through the broker, unsent intents
 * in the database so they are never sent). REDUCING: only the buys, which add exposure (long-only).
 */
async function cancelOpenOrders(
  execution: ExecutionRuntime,
  projectId: number | null,
  to: 'REDUCING' | 'HALTED',
  log: { warn(obj: object, msg: string): void },
): Promise<void> {
  const { engine } = execution;
  const open = await engine.repo.orders({ open: true });
  const projectOfRun = new Map<number, number | null>();
  const inScope = async (order: TradeOrder): Promise<boolean> => {
    if (projectId === null) return true;
    if (!projectOfRun.has(order.runId)) {
      projectOfRun.set(order.runId, (await engine.repo.getRun(order.runId)).projectId);
    }
    return projectOfRun.get(order.runId) === projectId;
  };
  for (const order of open) {
    if (to === 'REDUCING' && order.side !== 'BUY') continue;
    if (!(await inScope(order))) continue;
    try {
      if (order.ibOrderId === null) await engine.repo.cancelUnsent(order.id, `risk monitor: ${to}`);
      else await engine.cancel(order.id);
    } catch (error) {
      log.warn({ err: error, orderId: order.id }, 'risk monitor: could not cancel an open order');
    }
  }
}
