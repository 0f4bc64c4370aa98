import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import { Broker, type OrderLogEntry } from './broker/broker.js';
import type { SimOrder } from './broker/types.js';
import {
  type FaultState,
  type GatewayConfig,
  type GatewayContext,
  type SimLogger,
  UNKNOWN_CONTRACT,
} from './context.js';
import { ShockableMarket } from './market/index.js';
import type { Instrument, MarketModel, SimClock } from './ports.js';
import { encodeFrame, ProtocolError } from './protocol/codec.js';
import { type Fields, MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION, msg } from './protocol/messages.js';
import {
  type ContractRef,
  messageId,
  OUT,
  parseCancelOrder,
  parseMultiRequest,
  parseReqAccountSummary,
  parseReqAccountUpdates,
  parseReqContractDetails,
  parseReqExecutions,
  parseReqId,
  parseReqPnL,
  parseReqPnLSingle,
  parseSingleBool,
  parseSingleInt,
  parseStartApi,
  parseVersionedReqId,
} from './protocol/requests.js';
import { AccountReports } from './services/account-reports.js';
import { HistoricalDataService } from './services/historical-data.js';
import { MarketDataService } from './services/market-data.js';
import { OrderDesk } from './services/order-desk.js';
import { Session } from './session.js';
import { connectionTimeText, localParts } from './time-format.js';

export type { FaultState, GatewayConfig, SimLogger } from './context.js';
export { silentLogger } from './context.js';

/**
 * The TCP side of the paper gateway: connections, handshake, request dispatch, rate limits and
 * faults. Market data, historical data, orders and account reports live in ./services. Time-dependent
 * behaviour reads the sim clock (prices, fills) or the wall clock (rate limits, pacing, fault
 * timers); both are injected.
 */
export class Gateway {
  readonly broker: Broker;
  readonly faults: FaultState = {
    rejectNext: 0,
    dropOrders: 0,
    ackDelayMs: 0,
    stoppedSymbols: new Set(),
    forcedPacing: 0,
    connectivityDown: false,
    refusingUntilMs: 0,
    silencedUntilMs: 0,
    heldSymbols: new Map(),
    pendingCancels: new Set(),
  };
  private server: Server | undefined;
  private readonly sessions = new Set<Session>();
  private nextSessionId = 1;
  readonly marketData: MarketDataService;
  readonly history: HistoricalDataService;
  readonly orders: OrderDesk;
  readonly accounts: AccountReports;
  private timers: NodeJS.Timeout[] = [];
  private faultTimers = new Set<NodeJS.Timeout>();
  private unsubscribeClock: (() => void) | undefined;
  private boundPort = 0;
  private closing = false;
  /** Called after any change worth persisting. */
  onStateChange: (() => void) | undefined;
  /** The market model with the `shock` fault's price moves on top. */
  readonly market: ShockableMarket;

  constructor(
    readonly config: GatewayConfig,
    baseMarket: MarketModel,
    readonly clock: SimClock,
    private readonly wallClock: Clock,
    private readonly log: SimLogger,
  ) {
    const market = new ShockableMarket(baseMarket);
    this.market = market;
    this.broker = new Broker(market, {
      account: config.account,
      initialCash: config.initialCash,
      seed: config.seed,
      commission: config.commission,
      fill: config.fill,
      dayKeyOf: (ms) => localParts(ms, config.timeZone).date,
      fillCap: (order) => this.faults.heldSymbols.get(order.instrument.symbol),
    });
    const context: GatewayContext = {
      config,
      market,
      clock,
      broker: this.broker,
      faults: this.faults,
      log,
      sessions: () => this.sessions,
      resolve: (contract) => this.resolve(contract),
      dataAvailable: (symbol) => !this.faults.connectivityDown && !this.faults.stoppedSymbols.has(symbol),
      later: (ms, action) => this.later(ms, action),
      stateChanged: () => this.onStateChange?.(),
    };
    this.accounts = new AccountReports(context);
    this.orders = new OrderDesk(context, this.accounts);
    this.marketData = new MarketDataService(context);
    this.history = new HistoricalDataService(context, wallClock);
    this.broker.subscribe({
      onFill: (order, execution) => this.orders.publishFill(order, execution),
      onOrderDone: (order) => this.orders.publishDone(order),
    });
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(): Promise<number> {
    await this.openListener(this.config.port);
    this.timers.push(setInterval(() => this.onCadence(), this.config.tickCadenceMs));
    this.timers.push(setInterval(() => this.history.onUpdateTimer(), this.config.historyUpdateMs));
    this.timers.push(setInterval(() => this.accounts.onPnlTimer(), this.config.pnlUpdateMs));
    for (const timer of this.timers) timer.unref();
    this.unsubscribeClock = this.clock.onChange((now) => this.orders.runMatching(now));
    return this.boundPort;
  }

  /** Working orders first, so a fill and the ticks that caused it go out in the same cadence. */
  private onCadence(): void {
    this.orders.runMatching(this.clock.nowMs());
    this.marketData.onCadence();
  }

  private openListener(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.once('error', reject);
      server.listen(port, this.config.host, () => {
        server.off('error', reject);
        server.on('error', (error) => this.log.warn({ err: error.message }, 'sim gateway listener error'));
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const timer of this.faultTimers) clearTimeout(timer);
    this.timers = [];
    this.faultTimers.clear();
    this.unsubscribeClock?.();
    for (const session of this.sessions) this.dropSession(session, 'gateway closing');
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private readonly requestsReceived = new Map<number, number>();

  sessionCount(): number {
    return [...this.sessions].filter((s) => s.started).length;
  }

  /** Messages written to all current sessions since they connected (benchmarks). */
  wireMessagesSent(): number {
    let total = 0;
    for (const session of this.sessions) total += session.messagesSent;
    return total;
  }

  orderLog(): readonly OrderLogEntry[] {
    return this.broker.orderLog();
  }

  /** Requests admitted since the start, by IB's outgoing message id (tests and benchmarks). */
  requestCounts(): ReadonlyMap<number, number> {
    return this.requestsReceived;
  }

  // ---------------------------------------------------------------- connections

  private accept(socket: Socket): void {
    if (this.closing || this.wallClock.nowMs() < this.faults.refusingUntilMs) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const session = new Session(this.nextSessionId++, socket, this.config.maxFrameBytes);
    this.sessions.add(session);
    if (this.faults.silencedUntilMs > this.wallClock.nowMs()) this.silence(session);
    socket.on('data', (chunk: Buffer) => this.onData(session, chunk));
    socket.on('error', (error) =>
      this.log.info({ session: session.label, err: error.message }, 'socket error'),
    );
    socket.on('close', () => {
      if (session.decoder.pendingBytes > 0 && !session.closed) {
        this.log.warn(
          { session: session.label, bytes: session.decoder.pendingBytes },
          'connection closed mid-frame',
        );
      }
      session.closed = true;
      this.sessions.delete(session);
    });
  }

  private onData(session: Session, chunk: Buffer): void {
    if (session.closed) return;
    try {
      for (const inbound of session.decoder.push(chunk)) {
        if (session.closed) return;
        if (inbound.kind === 'handshake') this.handshake(session, inbound.range.min, inbound.range.max);
        else this.onMessage(session, inbound.fields);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!(error instanceof ProtocolError)) {
        this.log.warn({ session: session.label, err: reason }, 'internal error while handling a request');
      }
      this.log.warn({ session: session.label, reason }, 'malformed input: closing this connection');
      this.dropSession(session, reason);
    }
  }

  private dropSession(session: Session, reason: string): void {
    if (session.closed) return;
    session.closed = true;
    this.sessions.delete(session);
    session.socket.destroy();
    this.log.info({ session: session.label, reason }, 'connection closed');
  }

  private handshake(session: Session, clientMin: number, clientMax: number): void {
    const version = Math.min(clientMax, this.config.maxServerVersion);
    if (clientMin > this.config.maxServerVersion || version < this.config.minServerVersion) {
      this.log.warn(
        { session: session.label, clientMin, clientMax, serverMax: this.config.maxServerVersion },
        'client version range out of reach: refusing',
      );
      this.dropSession(session, 'unsupported version range');
      return;
    }
    session.version = version;
    session.clientMinVersion = clientMin;
    session.sendRaw(encodeFrame([version, connectionTimeText(this.clock.nowMs(), this.config.timeZone)]));
  }

  private startApi(session: Session, fields: string[]): void {
    const { clientId } = parseStartApi(fields);
    if (session.started) return;
    const taken = [...this.sessions].some((s) => s !== session && s.started && s.clientId === clientId);
    session.clientId = clientId;
    if (taken) {
      session.send(
        msg.error(
          -1,
          326,
          'Unable to connect as the client id is already in use. Retry with a unique client id.',
        ),
      );
      this.log.info({ session: session.label }, 'duplicate client id: disconnecting');
      session.socket.end();
      session.closed = true;
      this.sessions.delete(session);
      return;
    }
    session.started = true;
    session.nextOrderId = this.broker.maxOrderId(clientId) + 1;
    session.send(msg.managedAccounts([this.config.account]));
    session.send(msg.nextValidId(session.nextOrderId));
    session.send(msg.error(-1, 2104, 'Market data farm connection is OK:usfarm'));
    session.send(msg.error(-1, 2106, 'HMDS data farm connection is OK:ushmds'));
    session.send(msg.error(-1, 2158, 'Sec-def data farm connection is OK:secdefnj'));
    // Like TWS, push this client's working orders at connect.
    for (const order of this.broker.workingOrders()) {
      if (order.clientId === clientId) this.orders.sendOrderState(session, order);
    }
    this.log.info({ session: session.label, version: session.version }, 'client connected');
  }

  // ---------------------------------------------------------------- dispatch

  private onMessage(session: Session, fields: string[]): void {
    const id = messageId(fields);
    if (!session.started) {
      if (id === OUT.START_API) this.startApi(session, fields);
      else throw new ProtocolError(`message ${id} before startApi`);
      return;
    }
    if (!this.admitByRate(session)) return;
    if (id === OUT.PLACE_ORDER && this.faults.dropOrders > 0) {
      this.faults.dropOrders -= 1;
      this.log.info({ session: session.label }, 'fault: dropping an order with error 100');
      session.send(this.rateError(this.config.maxMessagesPerSecond || 50, 51));
      return;
    }
    this.requestsReceived.set(id, (this.requestsReceived.get(id) ?? 0) + 1);
    const v = session.version;
    switch (id) {
      case OUT.START_API:
        return;
      case OUT.REQ_IDS:
        session.nextOrderId = Math.max(
          session.nextOrderId,
          this.broker.maxOrderId(session.clientId ?? 0) + 1,
        );
        session.send(msg.nextValidId(session.nextOrderId));
        return;
      case OUT.REQ_MANAGED_ACCTS:
        session.send(msg.managedAccounts([this.config.account]));
        return;
      case OUT.REQ_CURRENT_TIME:
        session.send(msg.currentTime(Math.floor(this.clock.nowMs() / 1000)));
        return;
      case OUT.REQ_CONTRACT_DATA:
        this.contractDetails(session, fields);
        return;
      case OUT.REQ_MARKET_DATA_TYPE: {
        const requested = parseSingleInt(fields, 'reqMarketDataType', 2);
        if (requested < 1 || requested > 4) throw new ProtocolError(`bad market data type ${requested}`);
        session.marketDataType = requested;
        // Live data is always available here, so delayed requests get live data (as with IB).
        for (const sub of session.marketData.values())
          session.send(msg.marketDataType(sub.reqId, this.marketData.effectiveDataType(session)));
        return;
      }
      case OUT.REQ_MKT_DATA:
        this.marketData.request(session, fields);
        return;
      case OUT.CANCEL_MKT_DATA:
        session.marketData.delete(parseVersionedReqId(fields, 'cancelMktData'));
        return;
      case OUT.REQ_HISTORICAL_DATA:
        this.history.request(session, fields);
        return;
      case OUT.CANCEL_HISTORICAL_DATA:
        session.history.delete(parseVersionedReqId(fields, 'cancelHistoricalData'));
        return;
      case OUT.PLACE_ORDER:
        this.orders.placeOrder(session, fields);
        return;
      case OUT.CANCEL_ORDER:
        this.orders.cancelOrder(session, parseCancelOrder(fields, v).orderId);
        return;
      case OUT.REQ_GLOBAL_CANCEL:
        for (const order of this.broker.workingOrders())
          this.broker.cancel(order.clientId, order.orderId, this.clock.nowMs());
        return;
      case OUT.REQ_OPEN_ORDERS:
        this.orders.openOrders(session, (o) => this.visibleTo(session, o));
        return;
      case OUT.REQ_ALL_OPEN_ORDERS:
        this.orders.openOrders(session, () => true);
        return;
      case OUT.REQ_AUTO_OPEN_ORDERS: {
        const bind = parseSingleBool(fields, 'reqAutoOpenOrders', 2);
        if (session.clientId !== 0) {
          session.send(
            msg.error(
              -1,
              321,
              "Error validating request.-'' : cause - Auto-bind is only allowed for client id 0",
            ),
          );
          return;
        }
        session.autoOpenOrders = bind;
        return;
      }
      case OUT.REQ_COMPLETED_ORDERS:
        this.orders.completedOrders(session);
        return;
      case OUT.REQ_EXECUTIONS:
        this.orders.executions(session, parseReqExecutions(fields));
        return;
      case OUT.REQ_POSITIONS:
        session.positions = true;
        this.accounts.sendPositions(session);
        return;
      case OUT.CANCEL_POSITIONS:
        session.positions = false;
        return;
      case OUT.REQ_ACCOUNT_SUMMARY: {
        const { reqId, tags } = parseReqAccountSummary(fields);
        session.accountSummaries.set(reqId, tags);
        this.accounts.sendAccountSummary(session, reqId, tags);
        return;
      }
      case OUT.CANCEL_ACCOUNT_SUMMARY:
        session.accountSummaries.delete(parseVersionedReqId(fields, 'cancelAccountSummary'));
        return;
      case OUT.REQ_ACCOUNT_DATA: {
        const { subscribe } = parseReqAccountUpdates(fields);
        session.accountUpdates = subscribe;
        if (subscribe) this.accounts.sendAccountUpdates(session, true);
        return;
      }
      case OUT.REQ_POSITIONS_MULTI: {
        const { reqId, account } = parseMultiRequest(fields, 'reqPositionsMulti');
        if (!this.isOurAccount(account)) {
          session.send(
            msg.error(reqId, 321, `Error validating request.-'' : cause - Unknown account ${account}`),
          );
          return;
        }
        for (const p of this.broker.account.positions.values()) {
          session.send(
            msg.positionMulti(reqId, this.config.account, p.instrument, p.quantity, p.averageCost),
          );
        }
        session.send(msg.positionMultiEnd(reqId));
        return;
      }
      case OUT.REQ_ACCOUNT_UPDATES_MULTI: {
        const { reqId, account } = parseMultiRequest(fields, 'reqAccountUpdatesMulti');
        if (!this.isOurAccount(account)) {
          session.send(
            msg.error(reqId, 321, `Error validating request.-'' : cause - Unknown account ${account}`),
          );
          return;
        }
        for (const [key, value] of this.accounts.accountFigures(this.clock.nowMs())) {
          session.send(
            msg.accountUpdateMulti(
              reqId,
              this.config.account,
              key,
              value,
              key === 'AccountType' ? '' : 'USD',
            ),
          );
        }
        session.send(msg.accountUpdateMultiEnd(reqId));
        return;
      }
      case OUT.CANCEL_POSITIONS_MULTI:
      case OUT.CANCEL_ACCOUNT_UPDATES_MULTI:
        // Answers above are one-shot snapshots: nothing stays subscribed.
        return;
      case OUT.REQ_PNL: {
        const { reqId, account } = parseReqPnL(fields);
        if (account !== '' && account !== this.config.account) {
          session.send(
            msg.error(reqId, 321, `Error validating request.-'' : cause - Unknown account ${account}`),
          );
          return;
        }
        session.pnl.add(reqId);
        this.accounts.sendPnl(session, reqId);
        return;
      }
      case OUT.CANCEL_PNL:
        session.pnl.delete(parseReqId(fields, 'cancelPnL'));
        return;
      case OUT.REQ_PNL_SINGLE: {
        const { reqId, conId } = parseReqPnLSingle(fields);
        if (!this.market.instruments.some((i) => i.conId === conId)) {
          session.send(msg.error(reqId, 200, UNKNOWN_CONTRACT));
          return;
        }
        session.pnlSingle.set(reqId, conId);
        this.accounts.sendPnlSingle(session, reqId, conId);
        return;
      }
      case OUT.CANCEL_PNL_SINGLE:
        session.pnlSingle.delete(parseReqId(fields, 'cancelPnLSingle'));
        return;
      default:
        this.log.info({ session: session.label, messageId: id }, 'unsupported request');
        session.send(
          msg.error(
            -1,
            321,
            `Error validating request.-'' : cause - Request ${id} is not supported by the paper gateway`,
          ),
        );
    }
  }

  /** IB's 50 messages/s limit: error 100 for the excess; a flood well past it drops the client. */
  private admitByRate(session: Session): boolean {
    const limit = this.config.maxMessagesPerSecond;
    if (limit <= 0) return true;
    const now = this.wallClock.nowMs();
    session.rateWindow = session.rateWindow.filter((t) => now - t < 1000);
    session.rateWindow.push(now);
    if (session.rateWindow.length <= limit) {
      session.rateDropped = 0;
      return true;
    }
    session.rateDropped += 1;
    session.send(this.rateError(limit, session.rateWindow.length));
    if (session.rateDropped > limit) this.dropSession(session, 'message rate far above the limit');
    return false;
  }

  /** IB names neither the dropped message nor its id: error 100 comes with id -1. */
  private rateError(limit: number, received: number): Fields {
    return msg.error(
      -1,
      100,
      `Max rate of messages per second has been exceeded:max=${limit} rec=${received} (1)`,
    );
  }

  private isOurAccount(account: string): boolean {
    return account === '' || account === 'All' || account === this.config.account;
  }

  private visibleTo(session: Session, order: SimOrder): boolean {
    return session.clientId === 0 || order.clientId === session.clientId;
  }

  private resolve(contract: ContractRef): Instrument | undefined {
    const secType = contract.secType.toUpperCase();
    if (secType !== '' && secType !== 'STK') return undefined;
    const byConId =
      contract.conId > 0 ? this.market.instruments.find((i) => i.conId === contract.conId) : undefined;
    if (contract.conId > 0 && !byConId) return undefined;
    const instrument = byConId ?? this.market.instrument(contract.symbol.toUpperCase());
    if (!instrument) return undefined;
    if (contract.currency !== '' && contract.currency.toUpperCase() !== instrument.currency) return undefined;
    return instrument;
  }

  // ---------------------------------------------------------------- contracts and market data

  private contractDetails(session: Session, fields: string[]): void {
    const { reqId, contract } = parseReqContractDetails(fields);
    const instrument = this.resolve(contract);
    if (!instrument) {
      session.send(msg.error(reqId, 200, UNKNOWN_CONTRACT));
      return;
    }
    session.send(msg.contractData(session.version, reqId, instrument));
    session.send(msg.contractDataEnd(reqId));
  }

  // ---------------------------------------------------------------- faults

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.faultTimers.delete(timer);
      action();
    }, ms);
    this.faultTimers.add(timer);
  }

  /** Closes every client connection (a network drop). */
  dropAll(): number {
    const count = this.sessions.size;
    for (const session of [...this.sessions]) this.dropSession(session, 'fault: drop-all');
    return count;
  }

  /** A gateway restart: drop everyone and refuse connections for `seconds`. */
  async refuse(seconds: number): Promise<void> {
    this.faults.refusingUntilMs = this.wallClock.nowMs() + seconds * 1000;
    this.dropAll();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.later(seconds * 1000, () => {
      if (this.closing) return;
      this.openListener(this.boundPort).catch((error: unknown) =>
        this.log.warn({ err: String(error) }, 'could not reopen the listener after refuse'),
      );
    });
  }

  /** IB's nightly reset: 1100 now, then 1101 (subscriptions lost) or 1102 after `downSeconds`. */
  reset(mode: '1101' | '1102', downSeconds: number): void {
    this.faults.connectivityDown = true;
    this.broadcast(msg.error(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.'));
    this.later(downSeconds * 1000, () => {
      this.faults.connectivityDown = false;
      if (mode === '1101') {
        for (const session of this.sessions) {
          session.marketData.clear();
          session.history.clear();
        }
        this.broadcast(
          msg.error(
            -1,
            1101,
            'Connectivity between IB and Trader Workstation has been restored - data lost.',
          ),
        );
      } else {
        this.broadcast(
          msg.error(
            -1,
            1102,
            'Connectivity between IB and Trader Workstation has been restored - data maintained.',
          ),
        );
      }
    });
  }

  /** Half-open sockets: stop reading and answering for `seconds`, keep the connections. */
  silenceAll(seconds: number): void {
    this.faults.silencedUntilMs = this.wallClock.nowMs() + seconds * 1000;
    for (const session of this.sessions) this.silence(session);
    this.later(seconds * 1000, () => {
      this.faults.silencedUntilMs = 0;
      for (const session of this.sessions) {
        session.silenced = false;
        if (!session.socket.destroyed) session.socket.resume();
      }
    });
  }

  private silence(session: Session): void {
    session.silenced = true;
    session.socket.pause();
  }

  clearFaults(): void {
    this.faults.rejectNext = 0;
    this.faults.dropOrders = 0;
    this.faults.ackDelayMs = 0;
    this.faults.stoppedSymbols.clear();
    this.faults.forcedPacing = 0;
    this.releaseOrders(null);
  }

  /**
   * `hold-order` (tests): orders on `symbol` fill at most `fill` shares each and then keep working;
   * their cancels stay PendingCancel until the release. Raising `fill` lets a held order fill more
   * at once, as IB may fill an order whose cancel is still pending.
   */
  holdOrders(symbol: string, fill: number): void {
    this.faults.heldSymbols.set(symbol, fill);
    this.matchNow();
  }

  /** Ends the hold of one symbol (null: every symbol): pending cancels are done, the rest matches. */
  releaseOrders(symbol: string | null): void {
    const now = this.clock.nowMs();
    for (const key of [...this.faults.pendingCancels]) {
      const [clientId, orderId] = key.split(':').map(Number);
      const order = this.broker.order(clientId ?? 0, orderId ?? 0);
      if (symbol !== null && order && order.instrument.symbol !== symbol) continue;
      this.faults.pendingCancels.delete(key);
      if (order) this.broker.cancel(order.clientId, order.orderId, now);
    }
    if (symbol === null) this.faults.heldSymbols.clear();
    else this.faults.heldSymbols.delete(symbol);
    this.matchNow();
  }

  private matchNow(): void {
    const now = this.clock.nowMs();
    if (!this.faults.connectivityDown && this.market.isMarketOpen(now)) this.broker.match(now);
    this.onStateChange?.();
  }

  private broadcast(fields: Fields): void {
    for (const session of this.sessions) if (session.started) session.send(fields);
  }

  summary(): object {
    const values = this.broker.account.values(this.clock.nowMs());
    return {
      account: this.config.account,
      simTimeMs: this.clock.nowMs(),
      clockMode: this.clock.mode,
      marketOpen: this.market.isMarketOpen(this.clock.nowMs()),
      sessions: [...this.sessions]
        .filter((s) => s.started)
        .map((s) => ({ clientId: s.clientId, version: s.version, marketDataLines: s.marketData.size })),
      values,
      positions: [...this.broker.account.positions.values()].map((p) => ({
        symbol: p.instrument.symbol,
        quantity: p.quantity,
        averageCost: p.averageCost,
        realizedPnl: p.realizedPnl,
      })),
      workingOrders: this.broker.workingOrders().map((o) => ({
        clientId: o.clientId,
        orderId: o.orderId,
        symbol: o.instrument.symbol,
        action: o.action,
        totalQuantity: o.totalQuantity,
        filled: o.filled,
        status: o.status,
        orderRef: o.orderRef,
      })),
      executions: this.broker.allExecutions().length,
      faults: {
        ...this.faults,
        stoppedSymbols: [...this.faults.stoppedSymbols],
        heldSymbols: Object.fromEntries(this.faults.heldSymbols),
        pendingCancels: [...this.faults.pendingCancels],
      },
      shocks: this.market.list(),
    };
  }
}

export { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION };
