import {
  type Brokerage,
  type BrokerCommission,
  type BrokerContract,
  type BrokerErrorInfo,
  type BrokerExecution,
  type BrokerOrder,
  BrokerRequestError,
  BrokerUnavailableError,
  type OrderStatusUpdate,
  type ReconcileReason,
} from '../brokerage/index.js';
import type { ReconcileReport as ContractReconcileReport, StopReason } from '../contract/execution.js';
import { stopReasonLine } from '../contract/execution-texts.js';
import type { IbReason } from '../contract/ib.js';
import { englishText, type Message, msg } from '../contract/messages.js';
import { type Clock, isoNow } from '../core/clock.js';
import { ConflictError, cataloguedReason, InputError } from '../core/errors.js';
import type { ExecutionLease } from '../lock/index.js';
import { chooseContract } from '../marketdata/contract-cache.js';
import { checkTradingAccount, type TradingMode } from './account-guard.js';
import { isOurOrderRef, parseClientOrderId } from './order-ref.js';
import { openRemaining } from './planning.js';
import type { ExecutionRepository } from './repository.js';
import { Mutex, RateLimiter, SerialQueue } from './serial.js';
import { isTerminal, mapBrokerStatus, type OrderState, stateForOrderError } from './state-machine.js';
import type { TradeOrder } from './types.js';

export interface EngineLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const quietLogger: EngineLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface ExecutionEngineOptions {
  repo: ExecutionRepository;
  broker: Brokerage;
  lease: ExecutionLease;
  clock: Clock;
  logger?: EngineLogger;
  /** The server's configured mode: the traded account must be of this kind (paper: DU...). */
  mode: TradingMode;
  /** IB_ACCOUNT; without it the broker's first managed account of the mode. */
  account?: string;
  /**
   * A send of this session with no answer after this long (default 60 s) is looked for at the
   * broker, and sent again if it is not there (IB drops messages beyond its rate limit, error 100).
   */
  unackedClaimTimeoutMs?: number;
  /**
   * Order messages per second (default 50). The adapter paces everything a client sends below IB's
   * limit of about 50 per second, exactly; this only keeps the engine from running far ahead of it.
   * It is set a little above the adapter's rate because claiming an order (a database transaction)
   * sometimes takes longer than one spacing and this limiter never catches up: the adapter's queue
   * then stays a few orders deep and the wire at the adapter's rate.
   */
  maxOrdersPerSecond?: number;
  /** Contracts resolved before (the contract cache); symbols it lacks are asked of the broker. */
  contractCache?: ContractLookup;
  /**
   * Asked before every send: why an order of this side may not leave now (the trading state:
   * HALTED stops everything, REDUCING every buy), or null. Intents recorded before a halt must
   * not leave after it, whichever path (a run, a resume after reconnecting) tries to send them.
   */
  sendGate?: SendGate;
}

export type SendGate = (
  projectId: number | null,
  side: TradeOrder['side'],
  /** The order about to leave (a halt's defensive run may send what the state otherwise stops). */
  order?: Pick<TradeOrder, 'runId' | 'symbol'>,
) => Promise<StopReason | null>;

export interface ContractLookup {
  getMany(symbols: readonly string[]): Promise<Map<string, BrokerContract>>;
}

/** The contract's shape (src/contract/execution.ts): the API sends it as is and the web reads it. */
export type ReconcileReport = ContractReconcileReport;

export interface Readiness {
  ready: boolean;
  reasons: string[];
  /** The same reasons as catalogued messages, for the UI to say in its language. */
  texts: Message[];
}

interface SessionClaim {
  epoch: number;
  ibOrderId: number;
  /** The order as claimed. */
  order: TradeOrder;
  /** When the claim was committed. */
  atMs: number;
  /** When the order was handed to the broker (performance.now()); null until then. */
  placedAtMs: number | null;
}

/**
 * After IB reports a dropped message, how long a missing order is given to show up before it is
 * taken as lost: a second look at the broker this much later must miss it too.
 */
const DROP_SECOND_LOOK_MS = 250;

/** Why orders may not go to the gateway's accounts; a problem always comes with its IB reason. */
function accountRefused(reason: IbReason | null): Message {
  return msg('ACCOUNT_REFUSED', { reason: reason ?? { code: 'accounts-pending' } });
}

/**
 * Why IB's candidates for a symbol name no one USD contract, as a catalogued text: chooseContract's
 * reason is an English sentence, so the cases it tells apart are told apart again from the candidates.
 */
function untradable(symbol: string, candidates: readonly BrokerContract[]): Message {
  const inUsd = candidates.filter((c) => c.currency === 'USD');
  if (candidates.length === 0) return msg('CONTRACT_UNKNOWN', { symbol });
  if (inUsd.length === 0) {
    const listings = candidates.map((c) => `${c.primaryExchange}/${c.currency}`).join(', ');
    return msg('CONTRACT_NO_USD_LISTING', { symbol, listings });
  }
  const distinct = new Map(inUsd.map((c) => [c.conId, `${c.conId}@${c.primaryExchange}`]));
  return msg('CONTRACT_AMBIGUOUS', { symbol, contracts: [...distinct.values()].join(', ') });
}

/**
 * Follows the broker's order events into the database, reconciles with the broker, and sends the
 * recorded intents. Sending needs: the lease (checked again with the fencing token in the
 * transaction that claims the intent), a CONNECTED broker, and a successful reconciliation since
 * the last (re)connect.
 */
export class ExecutionEngine {
  readonly repo: ExecutionRepository;
  readonly broker: Brokerage;
  readonly lease: ExecutionLease;
  readonly clock: Clock;
  readonly mode: TradingMode;
  private readonly logger: EngineLogger;
  private readonly accountOption: string | undefined;
  private readonly events = new SerialQueue();
  /** Sending and reconciling never overlap. */
  private readonly sendLock = new Mutex();
  private readonly limiter: RateLimiter;
  private readonly contracts = new Map<string, BrokerContract>();
  private readonly contractCache: ContractLookup | undefined;
  private readonly sendGate: SendGate | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private reconciledSinceConnect = false;
  private startupReconciled = false;
  private reconciling = 0;
  private started = false;
  private stopped = false;
  private resumeScheduled = false;
  private lastReconcile: ReconcileReport | null = null;
  /** Incremented at every (re)connect: the adapter discards whatever a dead session still had queued. */
  private sessionEpoch = 0;
  private lastStatus: string | null = null;
  /** Orders this process claimed, by the session they were handed to. */
  private readonly claimedInSession = new Map<number, SessionClaim>();
  /** Messages the broker reported dropped (IB error 100) and not yet looked into. */
  private droppedMessages = 0;
  private lastDropAtMs = 0;
  private dropCheck: Promise<void> | null = null;
  private readonly unackedClaimTimeoutMs: number;
  /** Signature of the last status / open-order message applied per order, to skip exact repeats. */
  private readonly lastApplied = new Map<string, string>();
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(options: ExecutionEngineOptions) {
    this.repo = options.repo;
    this.broker = options.broker;
    this.lease = options.lease;
    this.clock = options.clock;
    this.logger = options.logger ?? quietLogger;
    this.accountOption = options.account;
    this.mode = options.mode;
    this.lastStatus = this.broker.connection.state().status;
    this.unackedClaimTimeoutMs = options.unackedClaimTimeoutMs ?? 60_000;
    this.limiter = new RateLimiter(options.maxOrdersPerSecond ?? 50);
    this.contractCache = options.contractCache;
    this.sendGate = options.sendGate;
  }

  /** Subscribes to the broker; reconciles at once when it is already connected. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const orders = this.broker.orders;
    this.unsubscribe.push(
      orders.onStatus((u) => this.enqueue('status', () => this.onStatus(u))),
      orders.onOpenOrder((o) =>
        this.enqueue('openOrder', async () => {
          await this.onOpenOrder(o, 'ib-open');
        }),
      ),
      orders.onExecution((e) => this.enqueue('execution', () => this.onExecution(e))),
      orders.onCommission((c) => this.enqueue('commission', () => this.onCommission(c))),
      orders.onOrderError((e) => this.enqueue('orderError', () => this.onOrderError(e))),
      this.broker.connection.onStateChange((state) => {
        if (state.status !== 'CONNECTED') this.reconciledSinceConnect = false;
        if (state.status === 'CONNECTED' && this.lastStatus !== 'CONNECTED') this.sessionEpoch += 1;
        this.lastStatus = state.status;
      }),
      ...(this.broker.connection.onMessageDropped
        ? [this.broker.connection.onMessageDropped(() => this.onMessageDropped())]
        : []),
      this.broker.connection.onReconcileNeeded((reason) => {
        // A replica without the lease does not trade; the holder reconciles when it takes over.
        if (!this.lease.isHeld()) return;
        this.reconcile(reason).catch((error: unknown) =>
          this.logger.error({ err: error, reason }, 'reconciliation failed'),
        );
      }),
      this.lease.onChange((held) => {
        // A new holder must look at the broker before trusting anything a predecessor left behind.
        if (!held) {
          this.reconciledSinceConnect = false;
          return;
        }
        if (this.broker.connection.state().status === 'CONNECTED') {
          this.reconcile('startup').catch((error: unknown) =>
            this.logger.error({ err: error }, 'reconciliation after acquiring the lease failed'),
          );
        }
      }),
    );
    const every = Math.max(1_000, Math.min(10_000, this.unackedClaimTimeoutMs / 3));
    this.staleTimer = setInterval(() => {
      this.checkUnackedClaims().catch((error: unknown) =>
        this.logger.error({ err: error }, 'checking unanswered orders failed'),
      );
    }, every);
    this.staleTimer.unref();
    if (this.broker.connection.state().status === 'CONNECTED' && this.lease.isHeld()) {
      await this.reconcile('startup');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.staleTimer) clearInterval(this.staleTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    await this.events.idle();
    await this.sendLock.run(async () => undefined);
  }

  readiness(): Readiness {
    const texts: Message[] = [];
    // The account check's own sentence stays the English reason (logs, API users): it names both accounts.
    let accountProblem: string | null = null;
    if (!this.lease.isHeld()) texts.push(msg('NO_EXECUTION_LEASE', {}));
    const status = this.broker.connection.state().status;
    if (status !== 'CONNECTED') texts.push(msg('BROKER_NOT_CONNECTED', { status }));
    else {
      const check = this.accountCheck();
      if (check.problem !== null) {
        accountProblem = check.problem;
        texts.push(accountRefused(check.reasonCode));
      }
    }
    if (!this.startupReconciled) texts.push(msg('STARTUP_RECONCILIATION_PENDING', {}));
    else if (!this.reconciledSinceConnect) texts.push(msg('RECONNECT_RECONCILIATION_PENDING', {}));
    if (this.reconciling > 0) texts.push(msg('RECONCILIATION_IN_PROGRESS', {}));
    const reasons = texts.map((text) =>
      text.code === 'ACCOUNT_REFUSED' && accountProblem !== null ? accountProblem : englishText(text),
    );
    return { ready: texts.length === 0, reasons, texts };
  }

  lastReconciliation(): ReconcileReport | null {
    return this.lastReconcile;
  }

  /** The account orders go to; refused when the gateway does not manage it or its kind is not the mode's. */
  account(): string {
    const check = this.accountCheck();
    if (check.account === null)
      throw new ConflictError('account', check.problem ?? 'no account', accountRefused(check.reasonCode));
    return check.account;
  }

  /** Why nothing may be sent to this gateway's accounts, or null. */
  accountProblem(): string | null {
    return this.accountCheck().problem;
  }

  /** The same problem as IB's reason code (rendered in the reader's language), or null. */
  accountProblemCode(): IbReason | null {
    return this.accountCheck().reasonCode;
  }

  private accountCheck() {
    return checkTradingAccount(this.mode, this.accountOption, this.broker.connection.state().managedAccounts);
  }

  /**
   * Contracts for many symbols: from memory, then the contract cache in one query, then the broker
   * one by one (paced by the adapter). An unknown or ambiguous symbol is an input error naming the
   * field `<fieldPrefix>.<symbol>`; ambiguous broker answers are refused, never guessed.
   */
  contractsFor(symbols: readonly string[], fieldPrefix: string): Promise<Map<string, BrokerContract>> {
    return this.resolveContracts(symbols, (symbol) => `${fieldPrefix}.${symbol}`);
  }

  /** One symbol's contract, the same way; an error names `field`. */
  private async contract(symbol: string, field: string): Promise<BrokerContract> {
    const contract = (await this.resolveContracts([symbol], () => field)).get(symbol);
    if (!contract)
      throw new InputError(
        field,
        'unknown symbol (IB has no contract for it)',
        msg('CONTRACT_UNKNOWN', { symbol }),
      );
    return contract;
  }

  private async resolveContracts(
    symbols: readonly string[],
    fieldOf: (symbol: string) => string,
  ): Promise<Map<string, BrokerContract>> {
    const found = new Map<string, BrokerContract>();
    const missing = symbols.filter((symbol) => {
      const known = this.contracts.get(symbol);
      if (known) found.set(symbol, known);
      return !known;
    });
    const cached =
      missing.length > 0 && this.contractCache ? await this.contractCache.getMany(missing) : null;
    for (const symbol of missing) {
      const contract = cached?.get(symbol) ?? (await this.askBroker(symbol, fieldOf(symbol)));
      this.contracts.set(symbol, contract);
      found.set(symbol, contract);
    }
    return found;
  }

  private async askBroker(symbol: string, field: string): Promise<BrokerContract> {
    let matches: BrokerContract[];
    try {
      matches = await this.broker.contracts.resolve({ symbol, secType: 'STK', currency: 'USD' });
    } catch (error) {
      if (error instanceof BrokerRequestError && error.code === 200) {
        throw new InputError(
          field,
          'unknown symbol (IB has no contract for it)',
          msg('CONTRACT_UNKNOWN', { symbol }),
        );
      }
      throw error;
    }
    const sameSymbol = matches.filter((c) => c.symbol === symbol);
    const candidates = sameSymbol.length > 0 ? sameSymbol : matches;
    const choice = chooseContract(candidates, 'USD');
    if (choice.kind === 'unresolved')
      throw new InputError(field, `not tradable: ${choice.reason}`, untradable(symbol, candidates));
    return choice.contract;
  }

  /** Waits until every broker event received so far is in the database. */
  async idle(): Promise<void> {
    await this.events.idle();
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Sends every intent of the run that is NEW and unclaimed, sells first. Stops (without error) at
   * the first moment sending is not allowed; what is left is sent by `resumeAll` after the next
   * successful reconciliation.
   */
  async submitPending(runId: number): Promise<{ sent: number; stoppedBecause: StopReason | null }> {
    return this.sendLock.run(async () => {
      const pending = (await this.repo.orders({ runId })).filter(
        (o) => o.status === 'NEW' && o.ibOrderId === null,
      );
      pending.sort((a, b) => (a.side === b.side ? a.id - b.id : a.side === 'SELL' ? -1 : 1));
      let sent = 0;
      const projectId =
        pending.length > 0 && this.sendGate ? (await this.repo.getRun(runId)).projectId : null;
      for (const order of pending) {
        const blocked = this.sendBlocker() ?? (await this.sendGate?.(projectId, order.side, order)) ?? null;
        if (blocked) return this.stopSending(runId, sent, blocked);
        await this.limiter.take();
        const outcome = await this.sendOne(order);
        if (outcome === 'sent') sent += 1;
        else if (outcome !== 'skipped') return this.stopSending(runId, sent, outcome);
      }
      return { sent, stoppedBecause: null };
    });
  }

  /** Logs why a run stopped sending (in English) and answers it as its code. */
  private stopSending(runId: number, sent: number, reason: StopReason) {
    this.logger.info(
      { runId, sent, stoppedBecause: reason },
      `run ${runId} stopped sending: ${stopReasonLine(reason)}`,
    );
    return { sent, stoppedBecause: reason };
  }

  private sendBlocker(): StopReason | null {
    if (this.stopped) return { code: 'engine-stopped' };
    if (!this.lease.isHeld()) return { code: 'no-lease' };
    const status = this.broker.connection.state().status;
    if (status !== 'CONNECTED') return { code: 'broker-not-connected', status };
    const account = this.accountCheck();
    if (account.problem !== null)
      return { code: 'account-problem', reason: account.reasonCode ?? { code: 'accounts-pending' } };
    if (!this.reconciledSinceConnect) return { code: 'not-reconciled' };
    return null;
  }

  private async sendOne(order: TradeOrder): Promise<'sent' | 'skipped' | StopReason> {
    const contract = await this.contract(order.symbol, `order ${order.clientOrderId}`);
    const ibOrderId = this.broker.orders.nextOrderId();
    let claimed: TradeOrder | null;
    try {
      claimed = await this.repo.claimForSend(order.id, ibOrderId, (trx) => this.lease.fence(trx));
    } catch (error) {
      this.logger.warn({ err: error, order: order.clientOrderId }, 'the send could not be claimed');
      return { code: 'claim-refused' };
    }
    if (!claimed) return 'skipped';
    const claim: SessionClaim = {
      epoch: this.sessionEpoch,
      ibOrderId,
      order: claimed,
      atMs: performance.now(),
      placedAtMs: null,
    };
    this.claimedInSession.set(order.id, claim);
    // The claim is committed; only now may the order leave. Check again: the commit took time.
    const blocked = this.sendBlocker();
    if (blocked) {
      await this.repo.releaseClaim(order.id, ibOrderId, `not sent: ${stopReasonLine(blocked)}`);
      return blocked;
    }
    try {
      this.broker.orders.place({
        orderId: ibOrderId,
        orderRef: claimed.clientOrderId,
        contract,
        side: claimed.side,
        quantity: claimed.quantity,
        type: claimed.orderType,
        ...(claimed.limitPrice !== null ? { limitPrice: claimed.limitPrice } : {}),
        tif: claimed.tif,
        account: claimed.account,
      });
      claim.placedAtMs = performance.now();
    } catch (error) {
      if (error instanceof BrokerUnavailableError) {
        // The port guarantees nothing left: the intent may be sent again later.
        await this.repo.releaseClaim(order.id, ibOrderId, error.message);
        // Adapters without reason codes leave the stop reason without one.
        return { code: 'broker-unavailable', ...(error.reasonCode ? { reason: error.reasonCode } : {}) };
      }
      // Unknown outcome: keep the claim; the next reconciliation decides.
      this.logger.error({ err: error, order: claimed.clientOrderId }, 'place failed with an unknown outcome');
      return { code: 'place-failed' };
    }
    return 'sent';
  }

  /** Sends what is pending in every run that is still being executed. */
  async resumeAll(): Promise<void> {
    for (const run of await this.repo.runsInFlight()) {
      if (this.sendBlocker()) return;
      await this.submitPending(run.id);
      if (run.status === 'SUBMITTING') await this.repo.setRunStatus(run.id, 'WORKING');
      await this.repo.completeRunIfIdle(run.id);
    }
  }

  private scheduleResume(): void {
    if (this.resumeScheduled) return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      this.resumeAll().catch((error: unknown) => this.logger.error({ err: error }, 'resuming runs failed'));
    });
  }

  /** Asks the broker to cancel a working order; the state follows the broker's answer. */
  async cancel(orderId: number): Promise<void> {
    const [order] = (await this.repo.orders()).filter((o) => o.id === orderId);
    if (!order)
      throw new InputError(
        'orderId',
        `order ${orderId} does not exist`,
        msg('ORDER_NOT_FOUND', { id: orderId }),
      );
    if (isTerminal(order.status))
      throw new ConflictError(
        'orderId',
        `order ${orderId} is ${order.status}`,
        msg('ORDER_ALREADY_FINAL', { id: orderId, status: order.status }),
      );
    if (order.ibOrderId === null)
      throw new ConflictError(
        'orderId',
        `order ${orderId} has not been sent`,
        msg('ORDER_NOT_SENT', { id: orderId }),
      );
    const blocked = this.sendBlocker();
    if (blocked)
      throw new ConflictError(
        'execution',
        stopReasonLine(blocked),
        msg('NOT_READY_TO_TRADE', {}),
        this.readiness().texts,
      );
    await this.limiter.take();
    this.broker.orders.cancel(order.ibOrderId);
    await this.repo.applyFacts(order.id, {
      kind: 'cancel-request',
      next: null,
      always: true,
      detail: { requestedAt: isoNow(this.clock) },
    });
  }

  /**
   * IB dropped a message (error 100) and does not say which. It may have been an order: look at
   * the broker at once rather than after the unanswered-send timeout.
   */
  private onMessageDropped(): void {
    this.droppedMessages += 1;
    this.lastDropAtMs = performance.now();
    if (this.dropCheck) return;
    this.dropCheck = (async () => {
      try {
        while (this.droppedMessages > 0 && !this.stopped) await this.recoverDropped();
      } catch (error) {
        this.logger.error({ err: error }, 'looking for orders lost to error 100 failed');
      } finally {
        this.dropCheck = null;
      }
    })();
  }

  /**
   * Finds the orders of this session that were handed to the broker before the drop was reported
   * and that the broker does not know (open orders, completed orders, executions, asked after the
   * drop, so after every such order on the same socket). Those are released and sent again under
   * the same intent and orderRef, with a new order id (IB wants new order ids above the ones used).
   *
   * Exactly-once first. A missing order counts as lost only when the broker knows an order this
   * session sent after it (the broker takes a client's messages in order), or when a second look
   * DROP_SECOND_LOOK_MS later misses it too. Each error 100 drops exactly one message, so when
   * more orders are missing than messages were dropped something else is going on: nothing is
   * released here, and the unanswered-send check and reconciliation decide.
   */
  private async recoverDropped(): Promise<void> {
    const dropped = this.droppedMessages;
    const droppedBeforeMs = this.lastDropAtMs;
    this.droppedMessages = 0;
    if (this.sendBlocker()) return;
    const suspects = () =>
      [...this.claimedInSession.entries()].filter(
        ([, c]) => c.epoch === this.sessionEpoch && c.placedAtMs !== null && c.placedAtMs <= droppedBeforeMs,
      );
    if (suspects().length === 0) return;
    const first = await this.missingAtBroker(suspects());
    let lost = first.missing.filter(
      (o) => (this.claimedInSession.get(o.id)?.placedAtMs ?? Infinity) < first.knownUpToMs,
    );
    const unsure = first.missing.filter((o) => !lost.includes(o));
    if (unsure.length > 0) {
      // Nothing sent after these is known yet: they may still be on their way.
      await new Promise((resolve) => setTimeout(resolve, DROP_SECOND_LOOK_MS));
      if (this.sendBlocker()) return;
      const again = new Set((await this.missingAtBroker(suspects())).missing.map((o) => o.id));
      lost = [...lost, ...unsure.filter((o) => again.has(o.id))];
    }
    if (lost.length === 0) return;
    if (lost.length > dropped) {
      this.logger.warn(
        { dropped, missing: lost.map((o) => o.clientOrderId) },
        'more orders missing at the broker than messages it dropped: left to the unanswered-send check',
      );
      return;
    }
    const released: TradeOrder[] = [];
    for (const order of lost) {
      const claim = this.claimedInSession.get(order.id);
      if (!claim || order.ibOrderId !== claim.ibOrderId) continue;
      const reason = 'dropped by the broker (error 100, message rate exceeded): sent again';
      if (await this.repo.releaseClaim(order.id, claim.ibOrderId, reason)) {
        this.claimedInSession.delete(order.id);
        released.push({ ...order, ibOrderId: null });
      }
    }
    if (released.length === 0) return;
    this.logger.warn(
      { orders: released.map((o) => o.clientOrderId) },
      'orders lost to error 100 (message rate exceeded): sending them again',
    );
    // At once, not after the submission that may still be running: the claim in the database lets
    // only one sender have an intent, so this cannot send an order twice.
    for (const order of released) {
      if (this.sendBlocker()) break;
      await this.limiter.take();
      await this.sendOne(order);
    }
    this.scheduleResume();
  }

  /**
   * Which of these claimed orders the broker has no trace of, and when the latest order of this
   * session that it does know was handed to it (-Infinity: none).
   */
  private async missingAtBroker(
    claims: Array<[number, SessionClaim]>,
  ): Promise<{ missing: TradeOrder[]; knownUpToMs: number }> {
    const account = this.account();
    // Sent back to back: one round trip, and each answer covers every order handed over before.
    const [open, completed, { executions }] = await Promise.all([
      this.broker.orders.openOrders(),
      this.broker.orders.completedOrders(),
      this.broker.orders.executions({ account }),
    ]);
    const known = new Set<string>();
    for (const o of [...open, ...completed]) known.add(o.orderRef);
    for (const e of executions) known.add(e.orderRef);
    // Over every order of this session, sent before the drop was reported or after.
    let knownUpToMs = Number.NEGATIVE_INFINITY;
    for (const claim of this.claimedInSession.values()) {
      if (
        claim.epoch === this.sessionEpoch &&
        claim.placedAtMs !== null &&
        known.has(claim.order.clientOrderId)
      )
        knownUpToMs = Math.max(knownUpToMs, claim.placedAtMs);
    }
    // The database is not asked: releasing a claim checks that the order is still unanswered.
    const missing = claims.filter(([, c]) => !known.has(c.order.clientOrderId)).map(([, c]) => c.order);
    return { missing, knownUpToMs };
  }

  /** Reconciles when a send of this session has been unanswered for too long. */
  private async checkUnackedClaims(): Promise<void> {
    if (this.claimedInSession.size === 0 || this.sendBlocker()) return;
    const now = performance.now();
    let overdue = false;
    const open = new Map((await this.repo.orders({ open: true })).map((o) => [o.id, o]));
    for (const [orderId, claim] of this.claimedInSession) {
      const order = open.get(orderId);
      if (order?.status !== 'NEW') {
        this.claimedInSession.delete(orderId);
        continue;
      }
      if (now - claim.atMs >= this.unackedClaimTimeoutMs) overdue = true;
    }
    if (overdue) await this.reconcile('manual');
  }

  // ---- broker events ------------------------------------------------------------------------

  private enqueue(kind: string, task: () => Promise<void>): void {
    this.events
      .push(task)
      .catch((error: unknown) => this.logger.error({ err: error, kind }, 'order event not recorded'));
  }

  private ourClientId(): number {
    return this.broker.connection.state().clientId;
  }

  private async onStatus(update: OrderStatusUpdate): Promise<void> {
    if (update.clientId !== undefined && update.clientId !== this.ourClientId()) return;
    // IB repeats status messages; an exact repeat of one already applied cannot change anything.
    const key = `status:${update.orderId}`;
    const signature = `${update.status}|${update.filled}|${update.permId}`;
    if (this.lastApplied.get(key) === signature) return;
    const order = await this.repo.orderByIbOrderId(update.orderId);
    if (!order) return;
    await this.repo.applyFacts(order.id, {
      kind: 'ib-status',
      next: mapBrokerStatus(update.status, update.filled),
      ibStatus: update.status,
      permId: update.permId,
      detail: { filled: update.filled, remaining: update.remaining, avgFillPrice: update.avgFillPrice },
    });
    // Remembered only once applied: a failed write must be retried by the next repeat.
    this.remember(key, signature);
  }

  private async onOpenOrder(broker: BrokerOrder, kind: string): Promise<'updated' | 'unknown' | 'foreign'> {
    if (!isOurOrderRef(broker.orderRef)) return 'foreign';
    const key = `open:${broker.orderRef}`;
    const signature = `${broker.status}|${broker.filled}|${broker.orderId}|${broker.permId}`;
    if (kind === 'ib-open' && this.lastApplied.get(key) === signature) return 'updated';
    const order = await this.repo.orderByRef(broker.orderRef);
    if (!order) return 'unknown';
    if (order.ibOrderId !== broker.orderId || order.permId !== broker.permId) {
      await this.repo.linkBrokerIds(order.id, broker.orderId, broker.permId);
    }
    await this.repo.applyFacts(order.id, {
      kind,
      next: mapBrokerStatus(broker.status, broker.filled),
      ibStatus: broker.status,
      permId: broker.permId,
      detail: { filled: broker.filled, remaining: broker.remaining },
    });
    this.remember(key, signature);
    return 'updated';
  }

  private remember(key: string, signature: string): void {
    this.lastApplied.set(key, signature);
    // Bounded: only recent orders repeat; old entries just cost one database read if they come back.
    if (this.lastApplied.size > 20_000) {
      const oldest = this.lastApplied.keys().next().value;
      if (oldest !== undefined) this.lastApplied.delete(oldest);
    }
  }

  private async onExecution(execution: BrokerExecution): Promise<void> {
    if (!isOurOrderRef(execution.orderRef)) return;
    await this.repo.recordFill(execution);
  }

  private async onCommission(commission: BrokerCommission): Promise<void> {
    await this.repo.recordCommission(commission);
  }

  private async onOrderError(error: BrokerErrorInfo): Promise<void> {
    const order = await this.repo.orderByIbOrderId(error.id);
    if (!order) return;
    await this.repo.applyFacts(order.id, {
      kind: 'ib-error',
      next: stateForOrderError(error.code, order.filledQty),
      error: `${error.code}: ${error.message}`,
    });
  }

  // ---- reconciliation -----------------------------------------------------------------------

  /**
   * Compares the broker's open orders, completed orders, executions and positions with the
   * database. Known orders are updated, unknown orders with our prefix adopted, foreign orders
   * reported and left alone; intents that a previous session claimed but the broker never got
   * become sendable again. Sending waits until this has succeeded.
   */
  async reconcile(reason: ReconcileReason): Promise<ReconcileReport> {
    this.reconciling += 1;
    try {
      return await this.sendLock.run(() => this.events.push(() => this.reconcileNow(reason)));
    } finally {
      this.reconciling -= 1;
    }
  }

  private async reconcileNow(reason: ReconcileReason): Promise<ReconcileReport> {
    const startedIso = isoNow(this.clock);
    const report: ReconcileReport = {
      id: 0,
      reason,
      status: 'ok',
      error: null,
      errorText: null,
      summary: {
        brokerOpen: 0,
        brokerCompleted: 0,
        executions: 0,
        updated: 0,
        adopted: 0,
        foreign: 0,
        fillsRecovered: 0,
        released: 0,
        missing: 0,
        positionDiffs: 0,
      },
      details: { adopted: [], foreign: [], released: [], missing: [], positionDiffs: [] },
    };
    const token = this.lease.token();
    try {
      if (token === null)
        throw new ConflictError(
          'execution',
          'this process does not hold the execution lease',
          msg('NO_EXECUTION_LEASE', {}),
        );
      const account = this.account();
      const open = await this.broker.orders.openOrders();
      const completed = await this.broker.orders.completedOrders();
      const { executions, commissions } = await this.broker.orders.executions({ account });
      const positions = await this.broker.account.positions();
      report.summary.brokerOpen = open.length;
      report.summary.brokerCompleted = completed.length;
      report.summary.executions = executions.length;

      const seen = new Set<string>();
      // Completed first, then open: an order listed in both (ending right now) ends up with the later view.
      for (const broker of [...completed, ...open]) {
        if (!isOurOrderRef(broker.orderRef)) {
          report.summary.foreign += 1;
          report.details.foreign.push({
            orderId: broker.orderId,
            clientId: broker.clientId,
            orderRef: broker.orderRef,
            symbol: broker.symbol,
            side: broker.side,
            quantity: broker.quantity,
            status: broker.status,
          });
          continue;
        }
        seen.add(broker.orderRef);
        const outcome = await this.onOpenOrder(broker, 'reconcile');
        if (outcome === 'updated') report.summary.updated += 1;
        else if (outcome === 'unknown') {
          if (await this.adopt(broker, token)) {
            report.summary.adopted += 1;
            report.details.adopted.push(broker.orderRef);
          } else {
            // Our prefix but no run of ours: another installation, or a database that was reset.
            report.summary.foreign += 1;
            report.details.foreign.push({
              orderId: broker.orderId,
              clientId: broker.clientId,
              orderRef: broker.orderRef,
              symbol: broker.symbol,
              side: broker.side,
              quantity: broker.quantity,
              status: broker.status,
            });
          }
        }
      }
      for (const execution of executions) {
        if (!isOurOrderRef(execution.orderRef)) continue;
        seen.add(execution.orderRef);
        const { recorded } = await this.repo.recordFill(execution);
        if (recorded) report.summary.fillsRecovered += 1;
      }
      for (const commission of commissions) await this.repo.recordCommission(commission);

      for (const order of await this.repo.orders({ open: true })) {
        if (order.account !== account || seen.has(order.clientOrderId)) continue;
        if (order.status === 'NEW') {
          // Claimed before this reconciliation began, yet unknown to the broker, and not possibly still
          // queued in this session's outgoing throttle: it never arrived and may be sent again.
          const claim = this.claimedInSession.get(order.id);
          const liveClaim =
            claim !== undefined &&
            claim.epoch === this.sessionEpoch &&
            performance.now() - claim.atMs < this.unackedClaimTimeoutMs;
          if (order.ibOrderId !== null && (order.submittedAt ?? '') <= startedIso && !liveClaim) {
            if (
              await this.repo.releaseClaim(order.id, order.ibOrderId, `not at the broker after ${reason}`)
            ) {
              report.summary.released += 1;
              report.details.released.push(order.clientOrderId);
            }
          }
          continue;
        }
        report.summary.missing += 1;
        report.details.missing.push(order.clientOrderId);
      }

      const held: Record<string, number> = {};
      for (const position of positions) {
        if (position.account === account)
          held[position.symbol] = (held[position.symbol] ?? 0) + position.quantity;
      }
      const runs = (await this.repo.listRuns({ limit: 50 })).filter(
        // A BLOCKED run sent nothing: its targets are not a position anyone should hold.
        (r) => r.targets !== null && r.status !== 'FAILED' && r.status !== 'BLOCKED',
      );
      const latestPerProject = new Map<string, (typeof runs)[number]>();
      for (const run of runs) if (!latestPerProject.has(run.project)) latestPerProject.set(run.project, run);
      for (const run of latestPerProject.values()) {
        const remaining = openRemaining(await this.repo.orders({ project: run.project, open: true }));
        for (const [symbol, target] of Object.entries(run.targets ?? {})) {
          const position = held[symbol] ?? 0;
          const pending = remaining[symbol] ?? 0;
          if (position + pending !== target) {
            report.details.positionDiffs.push({
              project: run.project,
              runId: run.id,
              symbol,
              target,
              position,
              openRemaining: pending,
            });
          }
        }
      }
      report.summary.positionDiffs = report.details.positionDiffs.length;
    } catch (error) {
      report.status = 'failed';
      report.error = (error as Error).message;
      // IB refused (BrokerUnavailableError) or another catalogued reason: the UI says it in its language.
      report.errorText = cataloguedReason(error);
    }
    report.id = await this.repo.recordReconciliation({
      reason,
      holder: this.lease.holder,
      leaseToken: token ?? 0,
      status: report.status,
      summary: report.summary,
      details: report.details,
      error: report.error,
      errorText: report.errorText,
    });
    this.lastReconcile = report;
    if (report.status === 'ok') {
      if (this.broker.connection.state().status === 'CONNECTED' && this.lease.isHeld()) {
        this.reconciledSinceConnect = true;
        this.startupReconciled = true;
        this.scheduleResume();
      }
    } else {
      this.logger.warn({ reason, error: report.error }, 'reconciliation failed; sending stays off');
    }
    return report;
  }

  private async adopt(broker: BrokerOrder, token: number): Promise<boolean> {
    const parts = parseClientOrderId(broker.orderRef);
    if (!parts) return false;
    try {
      await this.repo.getRun(parts.runId);
    } catch {
      return false;
    }
    const next: OrderState = mapBrokerStatus(broker.status, broker.filled) ?? 'SUBMITTED';
    await this.repo.adoptOrder(broker, parts.runId, parts.leg, token, next);
    return true;
  }
}
