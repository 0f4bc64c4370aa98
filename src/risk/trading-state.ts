import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/index.js';
import { msg } from '../contract/messages.js';
import { StateCause } from '../contract/risk.js';
import { type Clock, InputError, isoNow } from '../core/index.js';
import type { Database } from '../store/index.js';
import { TRADING_STATES, type TradingState } from './pretrade/types.js';

const defensiveContent = z.object({ defensive: z.object({ symbol: z.string().nullable() }) });

/** 'account' covers every project of the account; 'project:<id>' one project. */
export type RiskScope = 'account' | `project:${number}`;

export const projectScope = (projectId: number): RiskScope => `project:${projectId}`;

/** The word a person types to lift a halt: a click alone never resumes trading. */
export const RESUME_CONFIRMATION = 'RESUME';

/** Bounds of the reason a person gives for lifting or easing a state (it goes into the audit log). */
const RESUME_REASON_MIN = 3;
const RESUME_REASON_MAX = 500;

const RANK: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

export interface TradingStateView {
  scope: RiskScope;
  state: TradingState;
  reason: string;
  /** An automatic change's code and figures (rendered per language); null when a person set it. */
  cause: StateCause | null;
  changedAt: string | null;
  changedBy: string | null;
}

export interface RiskEventInput {
  scope: RiskScope;
  kind:
    | 'pretrade.blocked'
    | 'intraday.warning'
    | 'intraday.trigger'
    | 'state.changed'
    | 'fallback.used'
    | 'defensive.started'
    | 'defensive.waiting'
    | 'defensive.deferred';
  rule?: string;
  runId?: number | null;
  detail: Record<string, unknown>;
}

export interface RiskEvent extends Required<Omit<RiskEventInput, 'runId'>> {
  id: number;
  time: string;
  runId: number | null;
}

export interface ResumeRequest {
  to: 'ACTIVE' | 'REDUCING';
  reason: string;
  confirm: string;
}

function isTradingState(value: string): value is TradingState {
  return (TRADING_STATES as readonly string[]).includes(value);
}

/**
 * The persisted trading states (NautilusTrader's ACTIVE / REDUCING / HALTED). Automatic changes only
 * ever tighten a state; loosening it needs a person with a typed confirmation and a reason. Stored in
 * the database, so a restart or a lease takeover keeps a halt.
 */
export class TradingStates {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async get(scope: RiskScope): Promise<TradingStateView> {
    const row = await this.db
      .selectFrom('trading_state')
      .selectAll()
      .where('scope', '=', scope)
      .executeTakeFirst();
    if (!row || !isTradingState(row.state)) {
      return { scope, state: 'ACTIVE', reason: '', cause: null, changedAt: null, changedBy: null };
    }
    return {
      scope,
      state: row.state,
      reason: row.reason,
      cause: causeOf(row.cause_json),
      changedAt: row.changed_at,
      changedBy: row.changed_by,
    };
  }

  /** The state that applies to a project's orders: the stricter of the account's and the project's. */
  async effective(projectId?: number): Promise<TradingStateView> {
    const account = await this.get('account');
    if (projectId === undefined) return account;
    const project = await this.get(projectScope(projectId));
    return RANK[project.state] > RANK[account.state] ? project : account;
  }

  /**
   * Moves a scope to a stricter state; a state already as strict is left as it is. An automatic
   * change passes its `cause` (code + figures) beside the English `reason`; a person's halt has none.
   */
  async tighten(
    scope: RiskScope,
    to: 'REDUCING' | 'HALTED',
    reason: string,
    actor: string,
    cause: StateCause | null = null,
  ): Promise<TradingStateView> {
    return this.db.transaction().execute(async (trx) => {
      const current = await this.getIn(trx, scope);
      if (RANK[current.state] >= RANK[to]) return current;
      return this.write(trx, scope, current.state, { to, reason, cause }, actor, 'risk.state.tighten');
    });
  }

  /** A person lifts or eases a state: needs the typed confirmation and a reason, and is audited. */
  async resume(scope: RiskScope, request: ResumeRequest, actor: string): Promise<TradingStateView> {
    if (request.confirm !== RESUME_CONFIRMATION) {
      throw new InputError(
        'confirm',
        `type ${RESUME_CONFIRMATION} to confirm`,
        msg('RESUME_NEEDS_CONFIRMATION', { word: RESUME_CONFIRMATION }),
      );
    }
    const reason = request.reason.trim();
    if (reason.length < RESUME_REASON_MIN)
      throw new InputError(
        'reason',
        `say why trading may resume (at least ${RESUME_REASON_MIN} characters)`,
        msg('RESUME_REASON_TOO_SHORT', { minimum: RESUME_REASON_MIN }),
      );
    if (reason.length > RESUME_REASON_MAX)
      throw new InputError(
        'reason',
        `must be at most ${RESUME_REASON_MAX} characters`,
        msg('RESUME_REASON_TOO_LONG', { maximum: RESUME_REASON_MAX }),
      );
    return this.db.transaction().execute(async (trx) => {
      const current = await this.getIn(trx, scope);
      if (RANK[request.to] >= RANK[current.state]) {
        throw new InputError(
          'to',
          `must be less strict than the current state ${current.state}`,
          msg('RESUME_NOT_LESS_STRICT', { state: current.state }),
        );
      }
      return this.write(
        trx,
        scope,
        current.state,
        { to: request.to, reason, cause: null },
        actor,
        'risk.state.resume',
      );
    });
  }

  /**
   * The defensive move a run makes (its snapshot is of kind `defensive`), or null for every other
   * run: the trading state lets such a run's reducing orders and defensive-asset buys through.
   */
  async defensiveRun(runId: number): Promise<{ symbol: string | null } | null> {
    const row = await this.db
      .selectFrom('trade_runs')
      .innerJoin('decision_snapshots', 'decision_snapshots.id', 'trade_runs.snapshot_id')
      .select(['decision_snapshots.kind', 'decision_snapshots.content_json'])
      .where('trade_runs.id', '=', runId)
      .executeTakeFirst();
    if (row?.kind !== 'defensive') return null;
    const parsed = defensiveContent.safeParse(JSON.parse(row.content_json));
    return parsed.success ? { symbol: parsed.data.defensive.symbol } : null;
  }

  async recordEvent(event: RiskEventInput, trx: Kysely<Database> = this.db): Promise<void> {
    await trx
      .insertInto('risk_events')
      .values({
        time: isoNow(this.clock),
        scope: event.scope,
        kind: event.kind,
        rule: event.rule ?? '',
        run_id: event.runId ?? null,
        detail_json: JSON.stringify(event.detail),
      })
      .execute();
  }

  async listEvents(query: { scope?: RiskScope; limit?: number } = {}): Promise<RiskEvent[]> {
    let select = this.db.selectFrom('risk_events').selectAll();
    if (query.scope) select = select.where('scope', '=', query.scope);
    const rows = await select
      .orderBy('id', 'desc')
      .limit(query.limit ?? 100)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      time: row.time,
      scope: row.scope as RiskScope,
      kind: row.kind as RiskEvent['kind'],
      rule: row.rule,
      runId: row.run_id,
      detail: JSON.parse(row.detail_json) as Record<string, unknown>,
    }));
  }

  private async getIn(trx: Kysely<Database>, scope: RiskScope): Promise<TradingStateView> {
    const row = await trx
      .selectFrom('trading_state')
      .selectAll()
      .where('scope', '=', scope)
      .executeTakeFirst();
    const state = row && isTradingState(row.state) ? row.state : 'ACTIVE';
    return {
      scope,
      state,
      reason: row?.reason ?? '',
      cause: causeOf(row?.cause_json ?? null),
      changedAt: row?.changed_at ?? null,
      changedBy: row?.changed_by ?? null,
    };
  }

  private async write(
    trx: Kysely<Database>,
    scope: RiskScope,
    from: TradingState,
    change: { to: TradingState; reason: string; cause: StateCause | null },
    actor: string,
    action: string,
  ): Promise<TradingStateView> {
    const { to, reason, cause } = change;
    const changedAt = isoNow(this.clock);
    const set = {
      state: to,
      reason,
      cause_json: cause ? JSON.stringify(cause) : null,
      changed_at: changedAt,
      changed_by: actor,
    };
    await trx
      .insertInto('trading_state')
      .values({ scope, ...set })
      .onConflict((oc) => oc.column('scope').doUpdateSet(set))
      .execute();
    // The event and the audit record carry the cause too: the risk page renders their reason from it.
    const causeField = cause ? { cause } : {};
    await this.recordEvent(
      { scope, kind: 'state.changed', detail: { from, to, reason, ...causeField, actor } },
      trx,
    );
    await this.audit.append(
      { actor, action, target: scope, before: { state: from }, after: { state: to, reason, ...causeField } },
      trx,
    );
    return { scope, state: to, reason, cause, changedAt, changedBy: actor };
  }
}

/** The stored cause, or null for a person's change, an older row or one this version cannot read. */
function causeOf(json: string | null): StateCause | null {
  if (json === null) return null;
  try {
    const parsed = StateCause.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
