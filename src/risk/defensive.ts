import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.js';
import { isTradingDay, tradingDayOf } from '../calendar/index.js';
import type { RiskScopeStatus, StateCause, TradingStateView } from '../contract/risk.js';
import type { Clock } from '../core/index.js';
import { defensiveRunKey } from '../execution/run-key.js';
import { OPEN_STATES } from '../execution/state-machine.js';
import type { Database } from '../store/index.js';
import type { RiskAlert } from './monitor.js';
import { projectScope, type TradingStates } from './trading-state.js';

/** A project's defensive move on a halt (`params.risk.defensive`). */
export interface DefensivePolicy {
  action: 'none' | 'cash' | 'asset';
  symbol?: string | undefined;
  /**
   * Minutes after the halt the move waits for another run's orders still out before it asks the
   * broker again and alerts (default DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES).
   */
  maxWaitMinutes?: number | undefined;
}

/** The bound on the wait for another run's orders when a project does not set one. */
export const DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES = 10;

/** An order of another run of the project that went to the broker and is not final: it may still fill. */
export interface OrderStillOut {
  id: number;
  runId: number;
  clientOrderId: string;
  symbol: string;
  side: string;
  quantity: number;
  filled: number;
  status: string;
}

export interface DefendedProject {
  id: number;
  name: string;
  defensive: DefensivePolicy;
  /** Share of net liquidation left in cash when the move buys the defensive asset. */
  cashShare: number;
}

/** What a `defensive` snapshot records besides its weights. */
export interface DefensiveRecord {
  action: 'cash' | 'asset';
  symbol: string | null;
  haltKey: string;
  /** The halt's reason as stored (English from the monitor, or a person's words). */
  reason: string;
  /** The monitor's measurement behind the halt, so the snapshot page says why in either language. */
  cause: StateCause | null;
}

export interface DefensiveRunOutcome {
  runId: number;
  status: string;
  sent: number;
  stoppedBecause: string | null;
}

export interface DefensiveActionsOptions {
  db: Kysely<Database>;
  states: TradingStates;
  audit: AuditLog;
  clock: Clock;
  /** Symbols the account holds now (the broker's positions): what selling to cash sells. */
  held(): Promise<string[]>;
  /** Projects that may have a defensive policy (the current parameters). */
  projects(): Promise<DefendedProject[]>;
  /** Freezes the move as a `defensive` decision snapshot (the same halt gives the same snapshot). */
  freeze(input: {
    projectId: number;
    tradingDate: string;
    weights: Record<string, number>;
    defensive: DefensiveRecord;
  }): Promise<{ snapshotId: number; created: boolean }>;
  /** Trades the snapshot through the normal exactly-once path (a second call joins the run). */
  execute(input: {
    projectId: number;
    tradingDate: string;
    snapshotId: number;
  }): Promise<DefensiveRunOutcome>;
  alert(alert: RiskAlert): Promise<void>;
  /**
   * Asks the broker where its orders stand (a reconciliation: its open and completed orders and
   * executions), so an order whose final message was missed is settled in the database.
   */
  reconcile(): Promise<void>;
  /** Asks the broker again to cancel an order still out (the halt's own cancel may have been lost). */
  cancel(orderId: number): Promise<void>;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Wait before a failed move is tried again (default 30 s). */
  retryMs?: number;
}

/** The actor of defensive snapshots, runs, risk events and audit records. */
export const DEFENSIVE_ACTOR = 'risk-defensive';

const FINAL = new Set(['COMPLETED', 'BLOCKED']);
const IN_FLIGHT = new Set(['SUBMITTING', 'WORKING']);
const haltKeyOf = z.object({ defensive: z.object({ haltKey: z.string() }) });
const waitingOf = z.object({ haltKey: z.string() });

/**
 * The weights of the move: every held name at 0 (sell to cash), and the defensive asset with the
 * cash share kept. Empty when there is nothing to do (selling to cash with nothing held).
 */
export function defensiveWeights(project: DefendedProject, held: readonly string[]): Record<string, number> {
  const weights: Record<string, number> = Object.fromEntries(held.map((symbol) => [symbol, 0]));
  const { action, symbol } = project.defensive;
  if (action === 'asset' && symbol) weights[symbol] = Math.round((1 - project.cashShare) * 10_000) / 10_000;
  return weights;
}

/**
 * The defensive move of halted projects (issue #13), run by the lease holder after each monitor
 * check: when a project's effective state is HALTED and its policy is `cash` or `asset`, its
 * positions are sold (and the asset bought) through the normal execution path, as a run that trades
 * a `defensive` snapshot naming the halt. One halt gets at most one move: the snapshot is found again
 * by the halt's key (scope and time it went HALTED) after a restart or a lease takeover, and its run
 * is joined, never repeated.
 *
 * The move is made the same day even when the project's scheduled run already traded that day: its
 * run has its own key, `defensive:<haltKey>` (execution/run-key.ts, migration 0019), beside the
 * day's `scheduled` run. While an order of another run of the project is still out at the broker
 * the move waits for it rather than cancelling it: the halt itself has already cancelled the
 * project's open orders (sent ones at the broker, unsent intents in the database), so they are final
 * within a monitor pass or two, and the move then sizes its sells from the positions their fills
 * really left. Planning over orders that may still fill would leave a remainder behind.
 *
 * The wait is bounded (`maxWaitMinutes` after the halt, default 10): past it the broker is asked
 * where the orders stand (a reconciliation) and to cancel those still working again, at most once per
 * bound; whatever is still out then is reported once per halt (risk event `defensive.waiting`, audit
 * record, critical alert naming the orders) and the move keeps waiting. It never sends against
 * orders that may still fill: a person checks them at the broker (docs/risk-pretrade.md).
 */
export class DefensiveActions {
  private running: Promise<void> | null = null;
  /** haltKey|projectId of moves whose run reached a final state. */
  private readonly done = new Set<string>();
  /** haltKey|projectId -> earliest time a failed move is tried again. */
  private readonly retryAt = new Map<string, number>();
  /** haltKey|projectId -> when the broker is next asked about orders still out (after the bound). */
  private readonly askAt = new Map<string, number>();

  constructor(private readonly options: DefensiveActionsOptions) {}

  /** Joins a pass in flight: moves run one at a time, so two never sell the same shares. */
  ensure(statuses: readonly RiskScopeStatus[]): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass(statuses)
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'defensive move failed'))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(statuses: readonly RiskScopeStatus[]): Promise<void> {
    // Every project is one of the monitored scopes: nothing is halted, nothing to look up.
    if (!statuses.some((s) => s.state.state === 'HALTED')) return;
    const account = statuses.find((s) => s.scope === 'account')?.state;
    for (const project of await this.options.projects()) {
      if (project.defensive.action === 'none') continue;
      const own =
        statuses.find((s) => s.projectId === project.id)?.state ??
        (await this.options.states.get(projectScope(project.id)));
      const halt = earliestHalt([account, own]);
      if (!halt) continue;
      const key = `${halt.scope}@${halt.changedAt}`;
      if (this.done.has(`${key}|${project.id}`)) continue;
      if (!(await this.defend(project, key, halt))) return;
    }
  }

  /** Returns false while a move is still working: the next project waits for it. */
  private async defend(project: DefendedProject, haltKey: string, halt: TradingStateView): Promise<boolean> {
    const memo = `${haltKey}|${project.id}`;
    const nowMs = this.options.clock.nowMs();
    if ((this.retryAt.get(memo) ?? 0) > nowMs) return true;
    const run = await this.moveOf(project.id, haltKey);
    if (run && FINAL.has(run.status)) {
      this.done.add(memo);
      return true;
    }
    // Sending and following fills is the engine's (it resumes runs after a restart): wait for it.
    if (run && IN_FLIGHT.has(run.status)) return false;
    // Another run of the project (the day's scheduled run) still has orders out: wait (see above).
    if ((await this.ordersOut(project, haltKey, halt, nowMs)).length > 0) return false;
    const today = tradingDayOf(nowMs);
    if (!isTradingDay(today)) return true;
    const earlier = await this.snapshotOf(project.id, haltKey);
    let snapshotId = earlier?.tradingDate === today ? earlier.id : undefined;
    if (snapshotId === undefined) {
      const defensive: DefensiveRecord = {
        action: project.defensive.action === 'asset' ? 'asset' : 'cash',
        symbol: project.defensive.action === 'asset' ? (project.defensive.symbol ?? null) : null,
        haltKey,
        reason: halt.reason,
        cause: halt.cause,
      };
      const weights = defensiveWeights(project, await this.options.held());
      if (Object.keys(weights).length === 0) {
        this.done.add(memo);
        return true;
      }
      const frozen = await this.options.freeze({
        projectId: project.id,
        tradingDate: today,
        weights,
        defensive,
      });
      snapshotId = frozen.snapshotId;
      if (frozen.created) await this.announce(project, defensive, halt, weights, snapshotId, today);
    }
    try {
      const outcome = await this.options.execute({ projectId: project.id, tradingDate: today, snapshotId });
      if (FINAL.has(outcome.status)) this.done.add(memo);
      return FINAL.has(outcome.status);
    } catch (error) {
      this.retryAt.set(memo, nowMs + (this.options.retryMs ?? 30_000));
      this.options.logger?.warn(
        { err: error, projectId: project.id, haltKey },
        'defensive move not done yet; trying again later',
      );
      return true;
    }
  }

  /**
   * The orders of other runs of the project still out. Past the bound the broker is asked about them
   * first (at most once per bound), and what is still out after that is reported (once per halt).
   */
  private async ordersOut(
    project: DefendedProject,
    haltKey: string,
    halt: TradingStateView,
    nowMs: number,
  ): Promise<OrderStillOut[]> {
    const out = await this.ordersStillOut(project.id, haltKey);
    if (out.length === 0) return out;
    const memo = `${haltKey}|${project.id}`;
    const boundMs = (project.defensive.maxWaitMinutes ?? DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES) * 60_000;
    // From the halt, not from this process's first look: a restart or a takeover does not reset it.
    const haltMs = Date.parse(halt.changedAt ?? '');
    const since = Number.isFinite(haltMs) ? haltMs : nowMs;
    if (nowMs < (this.askAt.get(memo) ?? since + boundMs)) return out;
    this.askAt.set(memo, nowMs + boundMs);
    try {
      await this.options.reconcile();
    } catch (error) {
      this.options.logger?.warn(
        { err: error, projectId: project.id },
        'defensive move: reconciliation failed',
      );
    }
    const still = await this.ordersStillOut(project.id, haltKey);
    for (const order of still) {
      try {
        await this.options.cancel(order.id);
      } catch (error) {
        this.options.logger?.warn(
          { err: error, orderId: order.id },
          'defensive move: could not ask the broker again to cancel an order still out',
        );
      }
    }
    if (still.length > 0) await this.reportWait(project, haltKey, halt, still, nowMs - since);
    return still;
  }

  /** Risk event, audit record and alert of a move still waiting past its bound (once per halt). */
  private async reportWait(
    project: DefendedProject,
    haltKey: string,
    halt: TradingStateView,
    out: readonly OrderStillOut[],
    waitedMs: number,
  ): Promise<void> {
    const scope = projectScope(project.id);
    const reported = await this.options.db
      .selectFrom('risk_events')
      .select(['id', 'detail_json'])
      .where('scope', '=', scope)
      .where('kind', '=', 'defensive.waiting')
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    if (reported.some((row) => waitingOf.safeParse(JSON.parse(row.detail_json)).data?.haltKey === haltKey))
      return;
    const action = project.defensive.action === 'asset' ? 'asset' : 'cash';
    const symbol = action === 'asset' ? (project.defensive.symbol ?? null) : null;
    const waitMinutes = Math.round(waitedMs / 60_000);
    const orders = out.map(({ clientOrderId, symbol, side, quantity, filled, status }) => ({
      clientOrderId,
      symbol,
      side,
      quantity,
      filled,
      status,
    }));
    const detail = {
      action,
      symbol,
      haltKey,
      waitMinutes,
      maxWaitMinutes: project.defensive.maxWaitMinutes ?? DEFAULT_DEFENSIVE_MAX_WAIT_MINUTES,
      orders,
    };
    await this.options.db.transaction().execute(async (trx) => {
      await this.options.states.recordEvent({ scope, kind: 'defensive.waiting', rule: action, detail }, trx);
      await this.options.audit.append(
        { actor: DEFENSIVE_ACTOR, action: 'risk.defensive.waiting', target: scope, after: detail },
        trx,
      );
    });
    const record: DefensiveRecord = { action, symbol, haltKey, reason: halt.reason, cause: halt.cause };
    const params = defensiveAlertParams(record, halt);
    const names = orders.map((o) => `${o.side} ${o.filled}/${o.quantity} ${o.symbol} (${o.clientOrderId})`);
    await this.safeAlert({
      kind: 'risk.triggered',
      dedupeKey: `defensive-wait|${project.id}|${haltKey}`,
      params: {
        ...params,
        project: project.name,
        waitMinutes,
        ordersOut: orders.map(({ status: _status, ...order }) => order),
        detail: `${params.detail}: still waiting after ${waitMinutes} min for orders out at the broker: ${names.join(', ')}`,
      },
    });
  }

  /** Risk event, audit record and alert of a move that starts (once: when its snapshot is made). */
  private async announce(
    project: DefendedProject,
    defensive: DefensiveRecord,
    halt: TradingStateView,
    weights: Record<string, number>,
    snapshotId: number,
    tradingDate: string,
  ): Promise<void> {
    const scope = projectScope(project.id);
    const runKey = defensiveRunKey(defensive.haltKey);
    const detail = { ...defensive, runKey, snapshotId, tradingDate, weights };
    await this.options.db.transaction().execute(async (trx) => {
      await this.options.states.recordEvent(
        { scope, kind: 'defensive.started', rule: defensive.action, detail },
        trx,
      );
      await this.options.audit.append(
        { actor: DEFENSIVE_ACTOR, action: 'risk.defensive.started', target: scope, after: detail },
        trx,
      );
    });
    await this.safeAlert({
      kind: 'risk.triggered',
      dedupeKey: `defensive|${project.id}|${defensive.haltKey}`,
      params: { ...defensiveAlertParams(defensive, halt), project: project.name },
    });
  }

  private async safeAlert(alert: RiskAlert): Promise<void> {
    try {
      await this.options.alert(alert);
    } catch (error) {
      this.options.logger?.error({ err: error }, 'could not queue the defensive alert');
    }
  }

  /** The newest `defensive` snapshot of the project that answers this halt. */
  private async snapshotOf(
    projectId: number,
    haltKey: string,
  ): Promise<{ id: number; tradingDate: string } | undefined> {
    const rows = await this.options.db
      .selectFrom('decision_snapshots')
      .select(['id', 'trading_date', 'content_json'])
      .where('project_id', '=', projectId)
      .where('kind', '=', 'defensive')
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    for (const row of rows) {
      const parsed = haltKeyOf.safeParse(JSON.parse(row.content_json));
      if (parsed.success && parsed.data.defensive.haltKey === haltKey)
        return { id: Number(row.id), tradingDate: row.trading_date };
    }
    return undefined;
  }

  /** The move's run: the project's run with the halt's key (whatever day it was made on). */
  private async moveOf(
    projectId: number,
    haltKey: string,
  ): Promise<{ id: number; status: string } | undefined> {
    const row = await this.options.db
      .selectFrom('trade_runs')
      .select(['id', 'status'])
      .where('project_id', '=', projectId)
      .where('run_key', '=', defensiveRunKey(haltKey))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? { id: Number(row.id), status: row.status } : undefined;
  }

  /**
   * The orders of other runs of the project (the day's scheduled run) that went to the broker and are
   * not final yet: they may still fill. Intents never sent do not count: the halt cancelled them, and
   * the trading state would not let them leave anyway (nor would the move's own plan, which cancels
   * what is in its way). A run can stay SUBMITTING with nothing out, so the run status is not asked.
   */
  private async ordersStillOut(projectId: number, haltKey: string): Promise<OrderStillOut[]> {
    const rows = await this.options.db
      .selectFrom('trade_orders')
      .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
      .select([
        'trade_orders.id',
        'trade_orders.run_id',
        'trade_orders.client_order_id',
        'trade_orders.symbol',
        'trade_orders.side',
        'trade_orders.quantity',
        'trade_orders.filled_qty',
        'trade_orders.status',
      ])
      .where('trade_runs.project_id', '=', projectId)
      .where('trade_runs.run_key', '!=', defensiveRunKey(haltKey))
      .where('trade_orders.status', 'in', OPEN_STATES)
      .where('trade_orders.ib_order_id', 'is not', null)
      .orderBy('trade_orders.id')
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      runId: Number(row.run_id),
      clientOrderId: row.client_order_id,
      symbol: row.symbol,
      side: row.side,
      quantity: Number(row.quantity),
      filled: Number(row.filled_qty),
      status: row.status,
    }));
  }
}

/**
 * The alert of a move, as codes and figures that alert-texts.ts renders in either language: the
 * move, the halted scope and, for a monitor's halt, the metric against its limit. A person's halt
 * carries only their words (`haltReason`, shown as written). `detail` is the English line for logs.
 */
export function defensiveAlertParams(
  defensive: DefensiveRecord,
  halt: TradingStateView,
): RiskAlert['params'] {
  const cause = halt.cause;
  const haltScope = halt.scope === 'account' ? 'account' : 'project';
  const move = defensive.action === 'asset' ? `move into ${defensive.symbol ?? ''}` : 'sell to cash';
  return {
    rule: 'defensive',
    move: defensive.action,
    ...(defensive.symbol ? { symbol: defensive.symbol } : {}),
    haltScope,
    ...(cause
      ? { haltMetric: cause.metric, haltValue: cause.value, haltLimit: cause.limit }
      : { haltReason: halt.reason }),
    detail: `${move} after the ${haltScope} halt (${defensive.haltKey})`,
  };
}

/** The halted state that came first (its time keys the halt), or null when neither is HALTED. */
function earliestHalt(views: ReadonlyArray<TradingStateView | undefined>): TradingStateView | null {
  let first: TradingStateView | null = null;
  for (const view of views) {
    if (view?.state !== 'HALTED' || view.changedAt === null) continue;
    if (!first || (first.changedAt ?? '') > view.changedAt) first = view;
  }
  return first;
}
