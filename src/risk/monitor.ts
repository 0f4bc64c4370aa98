import { tradingDayOf } from '../calendar/index.js';
import type { RiskAlertParams } from '../contract/alert-texts.js';
import type { RiskReading, RiskScopeStatus, RiskStatusResponse, StateCause } from '../contract/risk.js';
import type { Clock } from '../core/index.js';
import { type AccountReading, assessIntraday, type IntradayLimits, type RiskLevel } from './intraday.js';
import type { AccountFiguresNow, RiskMarks } from './marks.js';
import type { RiskScope, TradingStates, TradingStateView } from './trading-state.js';

/** The account, or one project, with the intraday limits that apply to it. */
export interface MonitoredScope {
  scope: RiskScope;
  projectId: number | null;
  name: string;
  limits: IntradayLimits;
}

export type IntradayMetric = 'dailyLoss' | 'drawdown';

/** What a warning or a trigger is based on; stored with the risk event and shown in the risk panel. */
export interface IntradayEvidence {
  metric: IntradayMetric;
  value: number;
  limit: number;
  warningAt: number;
  action: 'REDUCING' | 'HALTED';
  account: string;
  netLiquidation: number;
  dailyPnl: number | null;
  startOfDayNetLiquidation: number | null;
  highWaterMark: number;
  readAt: string;
}

export interface RiskAlert {
  kind: 'risk.warning' | 'risk.triggered';
  dedupeKey: string;
  params: RiskAlertParams;
}

export interface RiskMonitorOptions {
  states: TradingStates;
  marks: RiskMarks;
  clock: Clock;
  /**
   * The account now: net liquidation and IB's daily PnL. Undefined while this process may not act
   * (no lease, broker not connected): only the lease holder halts and cancels.
   */
  read(): Promise<AccountFiguresNow | undefined>;
  scopes(): Promise<MonitoredScope[]>;
  /** After a scope was moved to a stricter state: cancel its open orders (and any defensive step). */
  onTrigger(scope: MonitoredScope, to: 'REDUCING' | 'HALTED', evidence: IntradayEvidence): Promise<void>;
  alert(alert: RiskAlert): Promise<void>;
  /**
   * After each reading of the lease holder (the defensive move of halted projects). Not awaited:
   * a slow move must not delay the next reading.
   */
  afterCheck?(status: RiskStatusResponse): void;
  publish?(name: string, data: unknown): void;
  /** Between readings (default 1 s: a halt lands within ~1 s of IB's PnL update). */
  everyMs?: number;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** The actor of automatic state changes in the audit log and the risk events. */
export const MONITOR_ACTOR = 'risk-monitor';
export const RISK_STATUS_EVENT = 'risk.status';
export const RISK_STATE_EVENT = 'risk.state';

const DEFAULT_EVERY_MS = 1_000;
const RANK = { ACTIVE: 0, REDUCING: 1, HALTED: 2 } as const;
const METRICS: readonly IntradayMetric[] = ['dailyLoss', 'drawdown'];

/**
 * The intraday risk monitor (runs in the lease holder all day): reads the account once a second,
 * measures today's loss and the drawdown from the high-water mark against each scope's limits,
 * raises a warning (risk event + alert) once per day and level, and on a trigger tightens the
 * scope's trading state (persisted), cancels its open orders and alerts.
 *
 * After a person lifts a state with the typed confirmation, the same breach does not halt again at
 * once: that metric re-arms one warning step (limit × (1 − warningAt)) beyond its value at the
 * resume, and fully once it is back below the warning level or on the next trading day.
 */
export class RiskMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RiskStatusResponse | undefined> | null = null;
  private day = '';
  private readonly warned = new Set<string>();
  /** scope|metric -> the breach is covered by the scope's current state (triggered or already strict). */
  private readonly covered = new Set<string>();
  /** scope|metric -> value a metric must exceed to trigger again after a resume. */
  private readonly rearmAt = new Map<string, number>();
  /** scope|metric this process has assessed: it knows what happened to the breach since. */
  private readonly seen = new Set<string>();
  private lastPublished = '';
  private stopped = false;

  constructor(private readonly options: RiskMonitorOptions) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.check(), this.options.everyMs ?? DEFAULT_EVERY_MS);
    this.timer.unref();
    void this.check();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One reading and its consequences (joins one in flight); undefined when this process may not act. */
  check(): Promise<RiskStatusResponse | undefined> {
    if (this.running) return this.running;
    this.running = this.once()
      .catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'risk monitor: check failed');
        return undefined;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async once(): Promise<RiskStatusResponse | undefined> {
    if (this.stopped) return undefined;
    const figures = await this.options.read();
    if (!figures || this.stopped) return undefined;
    const nowMs = this.options.clock.nowMs();
    const day = tradingDayOf(nowMs);
    if (day !== this.day) {
      this.day = day;
      this.warned.clear();
      this.rearmAt.clear();
    }
    const reading = await this.options.marks.observe(figures, day, nowMs);
    const scopes: RiskScopeStatus[] = [];
    for (const scope of await this.options.scopes()) {
      scopes.push(await this.assess(scope, reading));
    }
    const status: RiskStatusResponse = { reading, scopes };
    this.publishStatus(status);
    if (!this.stopped) this.options.afterCheck?.(status);
    return status;
  }

  private async assess(scope: MonitoredScope, reading: RiskReading): Promise<RiskScopeStatus> {
    const { states } = this.options;
    const assessment = assessIntraday(accountReadingOf(reading), scope.limits);
    let state = await states.get(scope.scope);
    const levels: Record<IntradayMetric, RiskLevel> = {
      dailyLoss: assessment.dailyLossLevel,
      drawdown: assessment.drawdownLevel,
    };
    for (const metric of METRICS) {
      const key = `${scope.scope}|${metric}`;
      const action = metric === 'dailyLoss' ? 'HALTED' : scope.limits.drawdownAction;
      const limit = metric === 'dailyLoss' ? scope.limits.maxDailyLoss : scope.limits.maxDrawdown;
      const value = assessment[metric];
      const evidence: IntradayEvidence = {
        metric,
        value,
        limit,
        warningAt: scope.limits.warningAt,
        action,
        account: reading.account,
        netLiquidation: reading.netLiquidation,
        dailyPnl: reading.dailyPnl,
        startOfDayNetLiquidation: reading.startOfDayNetLiquidation,
        highWaterMark: reading.highWaterMark,
        readAt: reading.readAt,
      };
      if (value < limit * scope.limits.warningAt) {
        // The breach is over (back below the warning level): the next one triggers at the limit.
        this.covered.delete(key);
        this.rearmAt.delete(key);
      }
      const strictEnough = RANK[state.state] >= RANK[action];
      if (this.covered.has(key) && !strictEnough) {
        // A person lifted the state this breach had set: re-arm one warning step further out.
        this.covered.delete(key);
        this.rearmAt.set(key, Math.max(value, limit) + limit * (1 - scope.limits.warningAt));
      }
      if (value >= limit && !strictEnough && !this.seen.has(key)) {
        // No memory of this breach (a restart or a takeover since): a person's resume today counts.
        const resumedFrom = await this.resumedToday(scope.scope, metric, reading.tradingDay);
        if (resumedFrom !== null) {
          this.rearmAt.set(key, Math.max(resumedFrom, limit) + limit * (1 - scope.limits.warningAt));
        }
      }
      this.seen.add(key);
      const threshold = Math.max(limit, this.rearmAt.get(key) ?? 0);
      if (value >= threshold) {
        if (strictEnough) this.covered.add(key);
        else state = await this.trigger(scope, action, evidence);
        this.warned.add(`${key}|warning`);
      } else if (levels[metric] !== 'ok' && !this.warned.has(`${key}|warning`)) {
        this.warned.add(`${key}|warning`);
        await this.warn(scope, evidence);
      }
    }
    return {
      scope: scope.scope,
      projectId: scope.projectId,
      name: scope.name,
      state,
      limits: scope.limits,
      dailyLoss: assessment.dailyLoss,
      drawdown: assessment.drawdown,
      dailyLossLevel: assessment.dailyLossLevel,
      drawdownLevel: assessment.drawdownLevel,
    };
  }

  /**
   * The value of today's trigger of this metric when a person lifted the state it set (the scope's
   * latest state change loosened it), else null.
   */
  private async resumedToday(scope: RiskScope, metric: IntradayMetric, day: string): Promise<number | null> {
    const events = await this.options.states.listEvents({ scope, limit: 50 });
    const change = events.find((e) => e.kind === 'state.changed');
    if (!change || change.detail.actor === MONITOR_ACTOR) return null;
    const from = String(change.detail.from);
    const to = String(change.detail.to);
    if (!(from in RANK) || !(to in RANK)) return null;
    if (RANK[to as keyof typeof RANK] >= RANK[from as keyof typeof RANK]) return null;
    const trigger = events.find(
      (e) => e.kind === 'intraday.trigger' && e.rule === metric && e.id < change.id,
    );
    if (!trigger || tradingDayOf(Date.parse(trigger.time)) !== day) return null;
    const value = Number(trigger.detail.value);
    return Number.isFinite(value) ? value : null;
  }

  private async trigger(
    scope: MonitoredScope,
    to: 'REDUCING' | 'HALTED',
    evidence: IntradayEvidence,
  ): Promise<TradingStateView> {
    const { states } = this.options;
    const reason = `${describe(evidence)} (${MONITOR_ACTOR})`;
    // The state first: from here on the pre-trade check refuses new orders of this scope.
    const view = await states.tighten(scope.scope, to, reason, MONITOR_ACTOR, causeOf(evidence, to));
    this.covered.add(`${scope.scope}|${evidence.metric}`);
    this.options.publish?.(RISK_STATE_EVENT, { projectId: scope.projectId, ...view });
    await this.options.marks.flush();
    await states.recordEvent({
      scope: scope.scope,
      kind: 'intraday.trigger',
      rule: evidence.metric,
      detail: { ...evidence },
    });
    await this.safely('alert', () =>
      this.options.alert({
        kind: 'risk.triggered',
        dedupeKey: `intraday|${scope.scope}|${evidence.metric}|${this.day}`,
        params: { ...figures(evidence), action: to, detail: reason, ...projectParam(scope) },
      }),
    );
    await this.safely('trigger action', () => this.options.onTrigger(scope, to, evidence));
    return view;
  }

  private async warn(scope: MonitoredScope, evidence: IntradayEvidence): Promise<void> {
    await this.options.states.recordEvent({
      scope: scope.scope,
      kind: 'intraday.warning',
      rule: evidence.metric,
      detail: { ...evidence },
    });
    await this.safely('alert', () =>
      this.options.alert({
        kind: 'risk.warning',
        dedupeKey: `intraday-warning|${scope.scope}|${evidence.metric}|${this.day}`,
        params: { ...figures(evidence), detail: describe(evidence), ...projectParam(scope) },
      }),
    );
  }

  /** A failing alert or cancel must not undo or hide the halt: log it and carry on. */
  private async safely(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.options.logger?.error({ err: error }, `risk monitor: ${what} failed`);
    }
  }

  private publishStatus(status: RiskStatusResponse): void {
    const { readAt: _readAt, ...rest } = status.reading ?? { readAt: '' };
    const key = JSON.stringify([rest, status.scopes]);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.options.publish?.(RISK_STATUS_EVENT, status);
  }
}

/** The risk status any replica can answer: the persisted reading against each scope's limits and state. */
export async function riskStatus(
  marks: RiskMarks,
  states: TradingStates,
  scopes: readonly MonitoredScope[],
): Promise<RiskStatusResponse> {
  const reading = await marks.latest();
  const out: RiskScopeStatus[] = [];
  for (const scope of scopes) {
    const a = reading
      ? assessIntraday(accountReadingOf(reading), scope.limits)
      : { dailyLoss: 0, drawdown: 0, dailyLossLevel: 'ok' as const, drawdownLevel: 'ok' as const };
    out.push({
      scope: scope.scope,
      projectId: scope.projectId,
      name: scope.name,
      state: await states.get(scope.scope),
      limits: scope.limits,
      dailyLoss: a.dailyLoss,
      drawdown: a.drawdown,
      dailyLossLevel: a.dailyLossLevel,
      drawdownLevel: a.drawdownLevel,
    });
  }
  return { reading, scopes: out };
}

function accountReadingOf(reading: RiskReading): AccountReading {
  return {
    netLiquidation: reading.netLiquidation,
    startOfDayNetLiquidation: reading.startOfDayNetLiquidation,
    dailyPnl: reading.dailyPnl,
    highWaterMark: reading.highWaterMark,
  };
}

function projectParam(scope: MonitoredScope): { project?: string } {
  return scope.projectId === null ? {} : { project: scope.name };
}

/** The alert's figures: each language renders its own sentence from them. */
function figures(e: IntradayEvidence): Pick<RiskAlertParams, 'rule' | 'value' | 'limit'> {
  return { rule: e.metric, value: e.value, limit: e.limit };
}

const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

/** The state's cause: the figures each language renders its own sentence from (the risk page). */
function causeOf(e: IntradayEvidence, to: 'REDUCING' | 'HALTED'): StateCause {
  return {
    code: 'intraday.trigger',
    metric: e.metric,
    value: e.value,
    limit: e.limit,
    action: to,
    netLiquidation: e.netLiquidation,
    base: e.metric === 'dailyLoss' ? e.startOfDayNetLiquidation : e.highWaterMark,
  };
}

/** One English line for logs, API users and the audit log; the UI renders the cause and the figures. */
function describe(e: IntradayEvidence): string {
  const what = e.metric === 'dailyLoss' ? 'daily loss' : 'drawdown';
  const base =
    e.metric === 'dailyLoss'
      ? `day start ${e.startOfDayNetLiquidation?.toFixed(2) ?? '?'}`
      : `high-water mark ${e.highWaterMark.toFixed(2)}`;
  return `${what} ${pct(e.value)} / limit ${pct(e.limit)}; net liquidation ${e.netLiquidation.toFixed(2)}, ${base}`;
}
