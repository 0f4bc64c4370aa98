import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.js';
import { isTradingDay, tradingDayOf } from '../calendar/index.js';
import type { RiskScopeStatus, TradingStateView } from '../contract/risk.js';
import type { Clock } from '../core/index.js';
import type { Database } from '../store/index.js';
import type { RiskAlert } from './monitor.js';
import { projectScope, type TradingStates } from './trading-state.js';

/** A project's defensive move on a halt (`params.risk.defensive`). */
export interface DefensivePolicy {
  action: 'none' | 'cash' | 'asset';
  symbol?: string | undefined;
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
  reason: string;
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
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Wait before a failed move is tried again (default 30 s). */
  retryMs?: number;
}

/** The actor of defensive snapshots, runs, risk events and audit records. */
export const DEFENSIVE_ACTOR = 'risk-defensive';

const FINAL = new Set(['COMPLETED', 'BLOCKED']);
const haltKeyOf = z.object({ defensive: z.object({ haltKey: z.string() }) });

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
 * is joined, never repeated. A run of the project already holds today's run key (project + trading
 * date): the move waits for the next trading day, with a risk event and an alert saying so.
 */
export class DefensiveActions {
  private running: Promise<void> | null = null;
  /** haltKey|projectId of moves whose run reached a final state. */
  private readonly done = new Set<string>();
  /** haltKey|projectId -> earliest time a failed move is tried again. */
  private readonly retryAt = new Map<string, number>();
  /** haltKey|projectId|day of deferrals already recorded. */
  private readonly deferred = new Set<string>();

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
    const earlier = await this.snapshotOf(project.id, haltKey);
    const run = earlier ? await this.runOf(earlier.id) : undefined;
    if (run && FINAL.has(run.status)) {
      this.done.add(memo);
      return true;
    }
    // Sending and following fills is the engine's (it resumes runs after a restart): wait for it.
    if (run && (run.status === 'SUBMITTING' || run.status === 'WORKING')) return false;
    const today = tradingDayOf(nowMs);
    if (!isTradingDay(today)) return true;
    let snapshotId = earlier?.tradingDate === today ? earlier.id : undefined;
    if (snapshotId === undefined) {
      const holder = await this.runOn(project.id, today);
      if (holder) {
        await this.deferOnce(project, haltKey, today, holder);
        return true;
      }
      const defensive: DefensiveRecord = {
        action: project.defensive.action === 'asset' ? 'asset' : 'cash',
        symbol: project.defensive.action === 'asset' ? (project.defensive.symbol ?? null) : null,
        haltKey,
        reason: halt.reason,
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
      if (frozen.created) await this.announce(project, defensive, weights, snapshotId, today);
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

  /** Risk event, audit record and alert of a move that starts (once: when its snapshot is made). */
  private async announce(
    project: DefendedProject,
    defensive: DefensiveRecord,
    weights: Record<string, number>,
    snapshotId: number,
    tradingDate: string,
  ): Promise<void> {
    const scope = projectScope(project.id);
    const detail = { ...defensive, snapshotId, tradingDate, weights };
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
      params: {
        rule: 'defensive',
        move: defensive.action,
        ...(defensive.symbol ? { symbol: defensive.symbol } : {}),
        detail: `${defensive.action === 'asset' ? `move into ${defensive.symbol}` : 'sell to cash'} after halt: ${defensive.reason}`,
        project: project.name,
      },
    });
  }

  private async deferOnce(
    project: DefendedProject,
    haltKey: string,
    day: string,
    holder: { id: number },
  ): Promise<void> {
    const memo = `${haltKey}|${project.id}|${day}`;
    if (this.deferred.has(memo)) return;
    this.deferred.add(memo);
    const scope = projectScope(project.id);
    const known = await this.options.db
      .selectFrom('risk_events')
      .select('detail_json')
      .where('scope', '=', scope)
      .where('kind', '=', 'defensive.deferred')
      .where('run_id', '=', holder.id)
      .execute();
    if (known.some((row) => row.detail_json.includes(JSON.stringify(haltKey)))) return;
    await this.options.states.recordEvent({
      scope,
      kind: 'defensive.deferred',
      rule: project.defensive.action,
      runId: holder.id,
      detail: { haltKey, tradingDate: day, heldBy: holder.id },
    });
    await this.safeAlert({
      kind: 'risk.triggered',
      dedupeKey: `defensive-deferred|${project.id}|${haltKey}|${day}`,
      params: {
        rule: 'defensive',
        heldBy: holder.id,
        tradingDate: day,
        detail: `run ${holder.id} already holds ${day}: the defensive move waits for the next trading day`,
        project: project.name,
      },
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

  private async runOf(snapshotId: number): Promise<{ id: number; status: string } | undefined> {
    const row = await this.options.db
      .selectFrom('trade_runs')
      .select(['id', 'status'])
      .where('snapshot_id', '=', snapshotId)
      .executeTakeFirst();
    return row ? { id: Number(row.id), status: row.status } : undefined;
  }

  private async runOn(projectId: number, day: string): Promise<{ id: number } | undefined> {
    const row = await this.options.db
      .selectFrom('trade_runs')
      .select('id')
      .where('project_id', '=', projectId)
      .where('trading_date', '=', day)
      .executeTakeFirst();
    return row ? { id: Number(row.id) } : undefined;
  }
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
