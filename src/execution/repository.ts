import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { AuditEntry, AuditLog, AuditRecord } from '../audit/index.js';
import type { BrokerCommission, BrokerExecution, BrokerOrder } from '../brokerage/index.js';
import { type Message, msg, parseMessage } from '../contract/messages.js';
import type { RunPreTradeView } from '../contract/pretrade.js';
import { type Clock, isoNow } from '../core/clock.js';
import { InputError, NotFoundError } from '../core/errors.js';
import type { Database, Engine } from '../store/index.js';
import type { TradeFillsTable, TradeOrdersTable, TradeRunsTable } from '../store/tables/execution.js';
import { clientOrderId } from './order-ref.js';
import { runKindOf, SCHEDULED_RUN_KEY } from './run-key.js';
import { decideTransition, isTerminal, OPEN_STATES, type OrderState } from './state-machine.js';
import { writeTransaction } from './tx.js';
import type { OrderIntent, RunStatus, TradeFill, TradeOrder, TradeOrderEvent, TradeRun } from './types.js';

/** Checks the lease inside a transaction and returns the fencing token (see ExecutionLease.fence). */
export type Fence = (trx: Kysely<Database>) => Promise<number>;

export interface RunInput {
  /** An existing project; the run key is (projectId, tradingDate, runKey). */
  projectId: number;
  tradingDate: string;
  /** The run's kind within the day (default `scheduled`; see run-key.ts). */
  runKey?: string;
  mode: string;
  weights: Record<string, number>;
  actor: string;
  /** The decision snapshot the run trades; ExecutionService always gives one and refuses runs without. */
  snapshot?: { id: number; hash: string };
}

export interface StateFacts {
  kind: string;
  next: OrderState | null;
  ibStatus?: string | undefined;
  permId?: number | undefined;
  error?: string | undefined;
  detail?: Record<string, unknown> | undefined;
  /** Record an event even when nothing changes (e.g. a cancel request). */
  always?: boolean;
}

export type ApplyResult = 'applied' | 'unchanged' | 'refused';

/**
 * Every database operation of the execution module. Each state change writes the order row, its
 * event and (where it matters) the audit record in one transaction.
 */
export class ExecutionRepository {
  private pendingAudit: AuditRecord[] = [];

  constructor(
    readonly db: Kysely<Database>,
    readonly engine: Engine,
    /** Readable so that the snapshot store (src/decision) audits in the same log. */
    readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  // ---- runs -------------------------------------------------------------------------------

  /** A second trigger for the same project, trading date and run key joins the existing run. */
  async createOrJoinRun(input: RunInput): Promise<{ run: TradeRun; created: boolean }> {
    const now = isoNow(this.clock);
    const runKey = input.runKey ?? SCHEDULED_RUN_KEY;
    return this.tx(async (trx) => {
      const project = await trx
        .selectFrom('projects')
        .select('name')
        .where('id', '=', input.projectId)
        .executeTakeFirst();
      if (!project)
        throw new InputError(
          'projectId',
          `no project with id ${input.projectId}`,
          msg('PROJECT_NOT_FOUND', { id: input.projectId }),
        );
      const inserted = await trx
        .insertInto('trade_runs')
        .values({
          project: project.name,
          project_id: input.projectId,
          trading_date: input.tradingDate,
          mode: input.mode,
          status: 'PLANNING',
          weights_json: JSON.stringify(input.weights),
          targets_json: null,
          plan_json: null,
          error: null,
          created_by: input.actor,
          created_at: now,
          updated_at: now,
          started_at: now,
          finished_at: null,
          snapshot_id: input.snapshot?.id ?? null,
          snapshot_hash: input.snapshot?.hash ?? null,
          run_key: runKey,
        })
        .onConflict((oc) => oc.columns(['project_id', 'trading_date', 'run_key']).doNothing())
        .returning(['id'])
        .executeTakeFirst();
      const row = await trx
        .selectFrom('trade_runs')
        .selectAll()
        .where('project_id', '=', input.projectId)
        .where('trading_date', '=', input.tradingDate)
        .where('run_key', '=', runKey)
        .executeTakeFirstOrThrow();
      if (inserted) {
        await this.auditIn(trx, {
          actor: input.actor,
          action: 'execution.run.created',
          target: `run:${row.id}`,
          after: {
            projectId: input.projectId,
            project: project.name,
            tradingDate: input.tradingDate,
            runKey,
            mode: input.mode,
            weights: input.weights,
            snapshotId: input.snapshot?.id ?? null,
            snapshotHash: input.snapshot?.hash ?? null,
          },
        });
      }
      return { run: toRun(row), created: inserted !== undefined };
    });
  }

  async getRun(id: number): Promise<TradeRun> {
    const row = await this.db.selectFrom('trade_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`run ${id}`, msg('RUN_NOT_FOUND', { id }));
    return toRun(row);
  }

  /** The run of a project on a trading date with the given key (default: the day's scheduled run). */
  async runOn(
    projectId: number,
    tradingDate: string,
    runKey = SCHEDULED_RUN_KEY,
  ): Promise<TradeRun | undefined> {
    const row = await this.db
      .selectFrom('trade_runs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('trading_date', '=', tradingDate)
      .where('run_key', '=', runKey)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  /** Runs still being executed (SUBMITTING or WORKING), oldest first: what resuming sends. */
  async runsInFlight(filter: { projectId?: number } = {}): Promise<TradeRun[]> {
    let query = this.db.selectFrom('trade_runs').selectAll().where('status', 'in', ['SUBMITTING', 'WORKING']);
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
    return (await query.orderBy('id').execute()).map(toRun);
  }

  async listRuns(
    filter: { project?: string | undefined; limit?: number | undefined } = {},
  ): Promise<TradeRun[]> {
    let query = this.db.selectFrom('trade_runs').selectAll();
    if (filter.project) query = query.where('project', '=', filter.project);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map(toRun);
  }

  async setRunTargets(
    runId: number,
    targets: Record<string, number>,
    plan: Record<string, unknown>,
  ): Promise<void> {
    await this.tx(async (trx) => {
      const updated = await trx
        .updateTable('trade_runs')
        .set({
          targets_json: JSON.stringify(targets),
          plan_json: JSON.stringify(plan),
          updated_at: isoNow(this.clock),
        })
        .where('id', '=', runId)
        .where('targets_json', 'is', null)
        .returning(['id'])
        .executeTakeFirst();
      if (updated) {
        await this.auditIn(trx, {
          actor: 'execution',
          action: 'execution.run.targets',
          target: `run:${runId}`,
          after: { targets },
        });
      }
    });
  }

  async setRunStatus(runId: number, status: RunStatus, error: string | null = null): Promise<void> {
    await this.tx(async (trx) => {
      const before = await trx
        .selectFrom('trade_runs')
        .select(['status'])
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      if (before.status === status && error === null) return;
      const now = isoNow(this.clock);
      await trx
        .updateTable('trade_runs')
        .set({
          status,
          error,
          updated_at: now,
          finished_at: status === 'COMPLETED' || status === 'FAILED' || status === 'BLOCKED' ? now : null,
        })
        .where('id', '=', runId)
        .execute();
      await this.auditIn(trx, {
        actor: 'execution',
        action: 'execution.run.status',
        target: `run:${runId}`,
        before: { status: before.status },
        after: { status, ...(error ? { error } : {}) },
      });
    });
  }

  /** Records the verdicts of a run's order list that passed every pre-trade rule. */
  async setRunPreTrade(runId: number, record: RunPreTradeView): Promise<void> {
    await this.db
      .updateTable('trade_runs')
      .set({ pretrade_json: JSON.stringify(record), updated_at: isoNow(this.clock) })
      .where('id', '=', runId)
      .execute();
  }

  /**
   * A failed pre-trade rule: in one transaction the run becomes BLOCKED with every verdict, the audit
   * log gets the failed rules and their evidence, and `also` writes what belongs with it (the risk
   * event). Nothing of the run has been recorded as an intent, so nothing can be sent.
   */
  async blockRun(
    runId: number,
    record: RunPreTradeView,
    reason: string,
    also: (trx: Kysely<Database>) => Promise<void>,
  ): Promise<void> {
    await this.tx(async (trx) => {
      const before = await trx
        .selectFrom('trade_runs')
        .select(['status'])
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      const now = isoNow(this.clock);
      await trx
        .updateTable('trade_runs')
        .set({
          status: 'BLOCKED',
          error: reason,
          pretrade_json: JSON.stringify(record),
          updated_at: now,
          finished_at: now,
        })
        .where('id', '=', runId)
        .execute();
      await also(trx);
      await this.auditIn(trx, {
        actor: 'risk',
        action: 'risk.pretrade.blocked',
        target: `run:${runId}`,
        before: { status: before.status },
        after: {
          status: 'BLOCKED',
          orders: record.orders,
          failed: record.verdicts.filter((v) => !v.passed),
        },
      });
    });
  }

  // ---- orders -------------------------------------------------------------------------------

  /**
   * Plans and records intents in one fenced transaction: `build` sees the open orders of the project
   * as they are under the lock, so two planners can never both order the same remainder.
   */
  async recordIntents(
    runId: number,
    fence: Fence,
    build: (openOrders: TradeOrder[], runOrders: TradeOrder[]) => OrderIntent[],
  ): Promise<TradeOrder[]> {
    return this.tx(async (trx) => {
      const token = await fence(trx);
      const run = await trx
        .selectFrom('trade_runs')
        .selectAll()
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      const open = await trx
        .selectFrom('trade_orders')
        .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
        .selectAll('trade_orders')
        .where(sameProject(run))
        .where('trade_orders.status', 'in', OPEN_STATES)
        .execute();
      const ofRun = await trx.selectFrom('trade_orders').selectAll().where('run_id', '=', runId).execute();
      const intents = build(open.map(toOrder), ofRun.map(toOrder));
      if (intents.length === 0) return [];
      const now = isoNow(this.clock);
      // One query for the legs and batched inserts: a 500-order rebalance used to spend most of a
      // second on three statements per order before its first send.
      const lastLegs = await trx
        .selectFrom('trade_orders')
        .select(['symbol', 'side', (eb) => eb.fn.max('leg').as('leg')])
        .where('run_id', '=', runId)
        .groupBy(['symbol', 'side'])
        .execute();
      const nextLeg = new Map(lastLegs.map((r) => [`${r.symbol} ${r.side}`, Number(r.leg ?? 0)]));
      const rows = intents.map((intent) => {
        const key = `${intent.symbol} ${intent.side}`;
        const leg = (nextLeg.get(key) ?? 0) + 1;
        nextLeg.set(key, leg);
        return {
          run_id: runId,
          client_order_id: clientOrderId({ runId, symbol: intent.symbol, side: intent.side, leg }),
          symbol: intent.symbol,
          con_id: intent.conId,
          side: intent.side,
          leg,
          quantity: intent.quantity,
          order_type: intent.orderType,
          limit_price: intent.limitPrice,
          tif: intent.tif,
          account: intent.account,
          status: 'NEW',
          ib_status: null,
          ib_order_id: null,
          perm_id: null,
          filled_qty: 0,
          avg_fill_price: null,
          lease_token: token,
          send_attempts: 0,
          last_error: null,
          adopted: 0,
          created_at: now,
          updated_at: now,
          submitted_at: null,
        };
      });
      const created: TradeOrder[] = [];
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const batch = rows.slice(i, i + INSERT_BATCH);
        const inserted = await trx.insertInto('trade_orders').values(batch).returningAll().execute();
        // RETURNING's row order is not promised for a multi-row insert: keep the intents' order.
        const byRef = new Map(inserted.map((row) => [row.client_order_id, row]));
        const ordered = batch.map((row) => {
          const found = byRef.get(row.client_order_id);
          if (!found) throw new Error(`intent ${row.client_order_id} was not stored`);
          return found;
        });
        await trx
          .insertInto('trade_order_events')
          .values(
            ordered.map((row, j) => ({
              order_id: row.id,
              time: now,
              kind: 'intent',
              from_status: null,
              to_status: 'NEW',
              ib_status: null,
              accepted: 1,
              detail_json: JSON.stringify(intentDetail(intents[i + j], token)),
            })),
          )
          .execute();
        created.push(...ordered.map(toOrder));
      }
      await this.auditIn(trx, {
        actor: 'execution',
        action: 'execution.orders.intended',
        target: `run:${runId}`,
        after: {
          leaseToken: token,
          orders: created.map((o) => ({ ref: o.clientOrderId, side: o.side, quantity: o.quantity })),
        },
      });
      return created;
    });
  }

  /**
   * Claims an intent for sending: records the IB order id (committed before `place()`), only if the
   * intent is still NEW and not claimed, and only while our fencing token is current.
   */
  async claimForSend(orderId: number, ibOrderId: number, fence: Fence): Promise<TradeOrder | null> {
    return this.tx(async (trx) => {
      const token = await fence(trx);
      const now = isoNow(this.clock);
      const row = await trx
        .updateTable('trade_orders')
        .set((eb) => ({
          ib_order_id: ibOrderId,
          send_attempts: eb('send_attempts', '+', 1),
          lease_token: token,
          submitted_at: now,
          updated_at: now,
        }))
        .where('id', '=', orderId)
        .where('status', '=', 'NEW')
        .where('ib_order_id', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await this.eventIn(trx, orderId, 'send', 'NEW', 'NEW', null, true, { ibOrderId, leaseToken: token });
      await this.auditIn(trx, {
        actor: 'execution',
        action: 'execution.order.sent',
        target: `order:${row.client_order_id}`,
        after: { ibOrderId, leaseToken: token, attempt: row.send_attempts },
      });
      return toOrder(row);
    });
  }

  /** The broker is known not to have the order (refused to send, or absent after a reconnect): it may be sent again. */
  async releaseClaim(orderId: number, ibOrderId: number, reason: string): Promise<boolean> {
    return this.tx(async (trx) => {
      const row = await trx
        .updateTable('trade_orders')
        .set({ ib_order_id: null, last_error: reason, updated_at: isoNow(this.clock) })
        .where('id', '=', orderId)
        .where('ib_order_id', '=', ibOrderId)
        .where('status', '=', 'NEW')
        .returning(['id'])
        .executeTakeFirst();
      if (!row) return false;
      await this.eventIn(trx, orderId, 'send-released', 'NEW', 'NEW', null, true, { ibOrderId, reason });
      return true;
    });
  }

  /**
   * Cancels an intent that was never handed to the broker. The same conditional update as a send's
   * claim decides between the two, so an intent is either sent or cancelled, never both.
   */
  async cancelUnsent(orderId: number, reason: string): Promise<boolean> {
    return this.tx(async (trx) => {
      const row = await trx
        .updateTable('trade_orders')
        .set({ status: 'CANCELED', last_error: reason, updated_at: isoNow(this.clock) })
        .where('id', '=', orderId)
        .where('ib_order_id', 'is', null)
        .where('status', '=', 'NEW')
        .returning(['id'])
        .executeTakeFirst();
      if (!row) return false;
      await this.eventIn(trx, orderId, 'cancel-unsent', 'NEW', 'CANCELED', null, true, { reason });
      return true;
    });
  }

  /** Applies what the broker says about an order; repeated messages change nothing. */
  async applyFacts(orderId: number, facts: StateFacts): Promise<ApplyResult> {
    return this.tx(async (trx) => {
      const row = await trx
        .selectFrom('trade_orders')
        .selectAll()
        .where('id', '=', orderId)
        .executeTakeFirst();
      if (!row) return 'unchanged';
      return this.applyFactsIn(trx, row, facts);
    });
  }

  private async applyFactsIn(
    trx: Kysely<Database>,
    row: Selectable<TradeOrdersTable>,
    facts: StateFacts,
  ): Promise<ApplyResult> {
    const current = row.status as OrderState;
    const outcome = decideTransition(current, facts.next);
    const now = isoNow(this.clock);
    const permChanged =
      facts.permId !== undefined && facts.permId > 0 && Number(row.perm_id ?? 0) !== facts.permId;
    const ibStatusChanged = facts.ibStatus !== undefined && facts.ibStatus !== row.ib_status;
    if (outcome.kind === 'refused') {
      const last = await trx
        .selectFrom('trade_order_events')
        .select(['kind', 'to_status', 'accepted', 'ib_status'])
        .where('order_id', '=', row.id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const repeat =
        last &&
        last.accepted === 0 &&
        last.kind === facts.kind &&
        last.to_status === outcome.to &&
        last.ib_status === (facts.ibStatus ?? null);
      if (!repeat) {
        await this.eventIn(trx, row.id, facts.kind, current, outcome.to, facts.ibStatus ?? null, false, {
          reason: outcome.reason,
          ...(facts.error ? { error: facts.error } : {}),
          ...facts.detail,
        });
      }
      return 'refused';
    }
    if (outcome.kind === 'unchanged' && !ibStatusChanged && !permChanged && !facts.error && !facts.always) {
      return 'unchanged';
    }
    if (outcome.kind === 'unchanged' && facts.error && facts.error === row.last_error) return 'unchanged';
    const next = outcome.kind === 'applied' ? outcome.to : current;
    await trx
      .updateTable('trade_orders')
      .set({
        status: next,
        ...(facts.ibStatus !== undefined ? { ib_status: facts.ibStatus } : {}),
        ...(permChanged ? { perm_id: facts.permId } : {}),
        ...(facts.error ? { last_error: facts.error } : {}),
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await this.eventIn(trx, row.id, facts.kind, current, next, facts.ibStatus ?? null, true, {
      ...(facts.error ? { error: facts.error } : {}),
      ...(permChanged ? { permId: facts.permId } : {}),
      ...facts.detail,
    });
    if (outcome.kind === 'applied' && isTerminal(next)) {
      await this.auditIn(trx, {
        actor: 'execution',
        action: `execution.order.${next.toLowerCase()}`,
        target: `order:${row.client_order_id}`,
        before: { status: current },
        after: {
          status: next,
          filledQty: Number(row.filled_qty),
          ...(facts.error ? { error: facts.error } : {}),
        },
      });
      await this.completeRunIfDone(trx, row.run_id);
    }
    return outcome.kind === 'applied' ? 'applied' : 'unchanged';
  }

  /** Records an execution once (keyed by execId) and keeps the order's filled quantity and average price. */
  async recordFill(execution: BrokerExecution): Promise<{ recorded: boolean; orderId: number | null }> {
    return this.tx(async (trx) => {
      const order = await trx
        .selectFrom('trade_orders')
        .selectAll()
        .where('client_order_id', '=', execution.orderRef)
        .executeTakeFirst();
      if (!order) return { recorded: false, orderId: null };
      const pending = this.pendingCommissions.get(execution.execId);
      const inserted = await trx
        .insertInto('trade_fills')
        .values({
          exec_id: execution.execId,
          order_id: order.id,
          client_order_id: order.client_order_id,
          ib_order_id: execution.orderId,
          perm_id: execution.permId,
          account: execution.account,
          symbol: execution.symbol,
          side: execution.side,
          shares: execution.shares,
          price: execution.price,
          exchange: execution.exchange,
          exec_time: new Date(execution.timeMs).toISOString(),
          commission: pending?.commission ?? null,
          commission_currency: pending?.currency ?? null,
          realized_pnl: pending?.realizedPnl ?? null,
          recorded_at: isoNow(this.clock),
        })
        .onConflict((oc) => oc.column('exec_id').doNothing())
        .returning(['exec_id'])
        .executeTakeFirst();
      if (!inserted) return { recorded: false, orderId: order.id };
      this.pendingCommissions.delete(execution.execId);
      const totals = await trx
        .selectFrom('trade_fills')
        .select((eb) => [
          eb.fn.sum<number>('shares').as('qty'),
          eb.fn.sum<number>(eb('shares', '*', eb.ref('price'))).as('value'),
        ])
        .where('order_id', '=', order.id)
        .executeTakeFirstOrThrow();
      const filled = Number(totals.qty ?? 0);
      const avg = filled > 0 ? Number(totals.value ?? 0) / filled : null;
      await trx
        .updateTable('trade_orders')
        .set({ filled_qty: filled, avg_fill_price: avg, updated_at: isoNow(this.clock) })
        .where('id', '=', order.id)
        .execute();
      await this.eventIn(trx, order.id, 'fill', order.status, order.status, null, true, {
        execId: execution.execId,
        shares: execution.shares,
        price: execution.price,
        filledQty: filled,
      });
      // Fills drive the state too: after a disconnect the status messages may be gone for good.
      const next: OrderState | null =
        filled >= Number(order.quantity) ? 'FILLED' : filled > 0 ? 'PARTIAL' : null;
      if (next && next !== order.status && !isTerminal(order.status as OrderState)) {
        await this.applyFactsIn(trx, { ...order, filled_qty: filled }, { kind: 'fill', next });
      }
      return { recorded: true, orderId: order.id };
    });
  }

  private readonly pendingCommissions = new Map<string, BrokerCommission>();

  /** Commission reports follow their execution; one that comes first waits in memory for it. */
  async recordCommission(commission: BrokerCommission): Promise<boolean> {
    const updated = await this.db
      .updateTable('trade_fills')
      .set({
        commission: commission.commission,
        commission_currency: commission.currency,
        realized_pnl: commission.realizedPnl,
      })
      .where('exec_id', '=', commission.execId)
      .returning(['exec_id'])
      .executeTakeFirst();
    if (!updated) this.pendingCommissions.set(commission.execId, commission);
    return updated !== undefined;
  }

  /** An order at the broker that carries our prefix but is not in the database (e.g. sent by a process that died before recording the send). */
  async adoptOrder(
    order: BrokerOrder,
    runId: number,
    leg: number,
    token: number,
    next: OrderState,
  ): Promise<TradeOrder> {
    return this.tx(async (trx) => {
      const now = isoNow(this.clock);
      const row = await trx
        .insertInto('trade_orders')
        .values({
          run_id: runId,
          client_order_id: order.orderRef,
          symbol: order.symbol,
          con_id: order.conId,
          side: order.side,
          leg,
          quantity: order.quantity,
          order_type: order.type,
          limit_price: order.limitPrice,
          tif: order.tif,
          account: order.account,
          status: next,
          ib_status: order.status,
          ib_order_id: order.orderId,
          perm_id: order.permId,
          filled_qty: 0,
          avg_fill_price: null,
          lease_token: token,
          send_attempts: 0,
          last_error: null,
          adopted: 1,
          created_at: now,
          updated_at: now,
          submitted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.eventIn(trx, row.id, 'adopt', null, next, order.status, true, {
        ibOrderId: order.orderId,
        permId: order.permId,
      });
      await this.auditIn(trx, {
        actor: 'execution',
        action: 'execution.order.adopted',
        target: `order:${order.orderRef}`,
        after: { status: next, ibStatus: order.status, quantity: order.quantity, side: order.side },
      });
      return toOrder(row);
    });
  }

  /** Links a known order to the broker's ids (after a restart the send may never have been recorded). */
  async linkBrokerIds(orderId: number, ibOrderId: number, permId: number): Promise<void> {
    await this.db
      .updateTable('trade_orders')
      .set({ ib_order_id: ibOrderId, perm_id: permId, updated_at: isoNow(this.clock) })
      .where('id', '=', orderId)
      .execute();
  }

  private async completeRunIfDone(trx: Kysely<Database>, runId: number): Promise<void> {
    const open = await trx
      .selectFrom('trade_orders')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('run_id', '=', runId)
      .where('status', 'in', OPEN_STATES)
      .executeTakeFirstOrThrow();
    if (Number(open.n) > 0) return;
    const now = isoNow(this.clock);
    const done = await trx
      .updateTable('trade_runs')
      .set({ status: 'COMPLETED', updated_at: now, finished_at: now })
      .where('id', '=', runId)
      .where('status', '=', 'WORKING')
      .returning(['id'])
      .executeTakeFirst();
    if (done) {
      await this.auditIn(trx, {
        actor: 'execution',
        action: 'execution.run.status',
        target: `run:${runId}`,
        before: { status: 'WORKING' },
        after: { status: 'COMPLETED' },
      });
    }
  }

  /** Marks a WORKING run COMPLETED when it has no open order left (e.g. nothing was needed). */
  async completeRunIfIdle(runId: number): Promise<void> {
    await this.tx((trx) => this.completeRunIfDone(trx, runId));
  }

  // ---- reads --------------------------------------------------------------------------------

  async orderByRef(ref: string): Promise<TradeOrder | null> {
    const row = await this.db
      .selectFrom('trade_orders')
      .selectAll()
      .where('client_order_id', '=', ref)
      .executeTakeFirst();
    return row ? toOrder(row) : null;
  }

  /** IB order ids are unique per client id; the latest row wins if a database outlived a counter reset. */
  async orderByIbOrderId(ibOrderId: number): Promise<TradeOrder | null> {
    const row = await this.db
      .selectFrom('trade_orders')
      .selectAll()
      .where('ib_order_id', '=', ibOrderId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toOrder(row) : null;
  }

  async orders(
    filter: {
      runId?: number | undefined;
      open?: boolean;
      project?: string | undefined;
      /** The orders of every run of this run's project (by id; by name for runs from before ids). */
      projectOf?: TradeRun | undefined;
    } = {},
  ): Promise<TradeOrder[]> {
    let query = this.db
      .selectFrom('trade_orders')
      .innerJoin('trade_runs', 'trade_runs.id', 'trade_orders.run_id')
      .selectAll('trade_orders');
    if (filter.runId !== undefined) query = query.where('trade_orders.run_id', '=', filter.runId);
    if (filter.project !== undefined) query = query.where('trade_runs.project', '=', filter.project);
    if (filter.projectOf !== undefined)
      query = query.where(
        sameProject({ project: filter.projectOf.project, project_id: filter.projectOf.projectId }),
      );
    if (filter.open) query = query.where('trade_orders.status', 'in', OPEN_STATES);
    const rows = await query.orderBy('trade_orders.id').execute();
    return rows.map(toOrder);
  }

  async events(orderIds: readonly number[]): Promise<TradeOrderEvent[]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('trade_order_events')
      .selectAll()
      .where('order_id', 'in', [...orderIds])
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      orderId: Number(row.order_id),
      time: row.time,
      kind: row.kind,
      fromStatus: row.from_status,
      toStatus: row.to_status,
      ibStatus: row.ib_status,
      accepted: Number(row.accepted) === 1,
      detail: row.detail_json ? (JSON.parse(row.detail_json) as Record<string, unknown>) : null,
    }));
  }

  async fills(
    filter: { runId?: number | undefined; orderId?: number | undefined } = {},
  ): Promise<TradeFill[]> {
    let query = this.db
      .selectFrom('trade_fills')
      .innerJoin('trade_orders', 'trade_orders.id', 'trade_fills.order_id')
      .selectAll('trade_fills');
    if (filter.runId !== undefined) query = query.where('trade_orders.run_id', '=', filter.runId);
    if (filter.orderId !== undefined) query = query.where('trade_fills.order_id', '=', filter.orderId);
    const rows = await query.orderBy('trade_fills.exec_time').orderBy('trade_fills.exec_id').execute();
    return rows.map(toFill);
  }

  async recordReconciliation(entry: {
    reason: string;
    holder: string;
    leaseToken: number;
    status: 'ok' | 'failed';
    summary: Record<string, unknown>;
    details: Record<string, unknown>;
    error: string | null;
    errorText: Message | null;
  }): Promise<number> {
    return this.tx(async (trx) => {
      const row = await trx
        .insertInto('trade_reconciliations')
        .values({
          time: isoNow(this.clock),
          reason: entry.reason,
          holder: entry.holder,
          lease_token: entry.leaseToken,
          status: entry.status,
          summary_json: JSON.stringify(entry.summary),
          details_json: JSON.stringify(entry.details),
          error: entry.error,
          error_text_json: entry.errorText ? JSON.stringify(entry.errorText) : null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      await this.auditIn(trx, {
        actor: entry.holder,
        action: `execution.reconcile.${entry.status}`,
        target: `reconciliation:${row.id}`,
        after: { reason: entry.reason, ...entry.summary, ...(entry.error ? { error: entry.error } : {}) },
      });
      return Number(row.id);
    });
  }

  async reconciliations(limit = 20): Promise<
    Array<{
      id: number;
      time: string;
      reason: string;
      holder: string;
      leaseToken: number;
      status: string;
      summary: Record<string, unknown>;
      details: Record<string, unknown>;
      error: string | null;
      errorText: Message | null;
    }>
  > {
    const rows = await this.db
      .selectFrom('trade_reconciliations')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      time: row.time,
      reason: row.reason,
      holder: row.holder,
      leaseToken: Number(row.lease_token),
      status: row.status,
      summary: JSON.parse(row.summary_json) as Record<string, unknown>,
      details: JSON.parse(row.details_json) as Record<string, unknown>,
      error: row.error,
      errorText: row.error_text_json === null ? null : parseMessage(JSON.parse(row.error_text_json)),
    }));
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private async tx<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await writeTransaction(this.db, this.engine, work);
    const records = this.pendingAudit;
    this.pendingAudit = [];
    for (const record of records) this.audit.notify(record);
    return result;
  }

  private async auditIn(trx: Kysely<Database>, entry: AuditEntry): Promise<void> {
    this.pendingAudit.push(await this.audit.append(entry, trx));
  }

  private async eventIn(
    trx: Kysely<Database>,
    orderId: number,
    kind: string,
    from: string | null,
    to: string | null,
    ibStatus: string | null,
    accepted: boolean,
    detail: Record<string, unknown> | null,
  ): Promise<void> {
    await trx
      .insertInto('trade_order_events')
      .values({
        order_id: orderId,
        time: isoNow(this.clock),
        kind,
        from_status: from,
        to_status: to,
        ib_status: ibStatus,
        accepted: accepted ? 1 : 0,
        detail_json: detail && Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
      })
      .execute();
  }
}

function intentDetail(intent: OrderIntent | undefined, leaseToken: number): Record<string, unknown> {
  if (!intent) throw new Error('intent and stored row out of step');
  const { quantity, side, orderType, limitPrice } = intent;
  return { quantity, side, orderType, limitPrice, leaseToken };
}

/** Rows per multi-row insert: 24 columns each stays far below PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 500;

function toRun(row: Selectable<TradeRunsTable>): TradeRun {
  return {
    id: Number(row.id),
    project: row.project,
    projectId: row.project_id === null ? null : Number(row.project_id),
    tradingDate: row.trading_date,
    runKey: row.run_key,
    kind: runKindOf(row.run_key),
    mode: row.mode,
    status: row.status as RunStatus,
    weights: JSON.parse(row.weights_json) as Record<string, number>,
    targets: row.targets_json ? (JSON.parse(row.targets_json) as Record<string, number>) : null,
    plan: row.plan_json ? (JSON.parse(row.plan_json) as Record<string, unknown>) : null,
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    snapshotId: row.snapshot_id === null || row.snapshot_id === undefined ? null : Number(row.snapshot_id),
    snapshotHash: row.snapshot_hash ?? null,
    preTrade: row.pretrade_json ? (JSON.parse(row.pretrade_json) as RunPreTradeView) : null,
  };
}

export function toOrder(row: Selectable<TradeOrdersTable>): TradeOrder {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    conId: Number(row.con_id),
    side: row.side as TradeOrder['side'],
    leg: Number(row.leg),
    quantity: Number(row.quantity),
    orderType: row.order_type as TradeOrder['orderType'],
    limitPrice: row.limit_price === null ? null : Number(row.limit_price),
    tif: row.tif as TradeOrder['tif'],
    account: row.account,
    status: row.status as OrderState,
    ibStatus: row.ib_status,
    ibOrderId: row.ib_order_id === null ? null : Number(row.ib_order_id),
    permId: row.perm_id === null ? null : Number(row.perm_id),
    filledQty: Number(row.filled_qty),
    avgFillPrice: row.avg_fill_price === null ? null : Number(row.avg_fill_price),
    leaseToken: Number(row.lease_token),
    sendAttempts: Number(row.send_attempts),
    lastError: row.last_error,
    adopted: Number(row.adopted) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
  };
}

function toFill(row: Selectable<TradeFillsTable>): TradeFill {
  return {
    execId: row.exec_id,
    orderId: Number(row.order_id),
    clientOrderId: row.client_order_id,
    ibOrderId: Number(row.ib_order_id),
    permId: Number(row.perm_id),
    account: row.account,
    symbol: row.symbol,
    side: row.side as TradeFill['side'],
    shares: Number(row.shares),
    price: Number(row.price),
    exchange: row.exchange,
    execTime: row.exec_time,
    commission: row.commission === null ? null : Number(row.commission),
    commissionCurrency: row.commission_currency,
    realizedPnl: row.realized_pnl === null ? null : Number(row.realized_pnl),
    recordedAt: row.recorded_at,
  };
}

/** Runs of the same project as `run`: by id, or by name for runs from before runs named ids. */
function sameProject(run: Pick<Selectable<TradeRunsTable>, 'project' | 'project_id'>) {
  return (eb: ExpressionBuilder<Database, 'trade_runs'>) =>
    run.project_id === null
      ? eb.and([eb('trade_runs.project_id', 'is', null), eb('trade_runs.project', '=', run.project)])
      : eb('trade_runs.project_id', '=', run.project_id);
}
