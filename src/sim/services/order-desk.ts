import type { PlaceOrderInput } from '../broker/broker.js';
import type { SimExecution, SimOrder } from '../broker/types.js';
import { isWorking } from '../broker/types.js';
import type { GatewayContext } from '../context.js';
import { parseEndTime } from '../history.js';
import { msg } from '../protocol/messages.js';
import { type ExecutionFilter, type PlaceOrderRequest, parsePlaceOrder } from '../protocol/requests.js';
import type { Session } from '../session.js';
import { zonedDateTimeText } from '../time-format.js';
import type { AccountReports } from './account-reports.js';

/**
 * Orders over the wire: placement and cancellation, the openOrder/orderStatus/execDetails/
 * commissionReport fan-out to the sessions that may see an order, order and execution queries, and
 * driving the broker's matching from the sim clock.
 */
export class OrderDesk {
  private lastMatchMs: number;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly accounts: AccountReports,
  ) {
    this.lastMatchMs = ctx.clock.nowMs();
  }

  // ---------------------------------------------------------------- orders

  placeOrder(session: Session, fields: string[]): void {
    const request = parsePlaceOrder(fields, session.version);
    const clientId = session.clientId ?? 0;
    const run = () => {
      if (session.closed) return;
      if (request.whatIf) {
        this.answerWhatIf(session, clientId, request);
        return;
      }
      if (this.ctx.faults.rejectNext > 0) {
        this.ctx.faults.rejectNext -= 1;
        this.ctx.log.info({ session: session.label, orderId: request.orderId }, 'fault: rejecting order');
        session.send(
          msg.error(request.orderId, 201, 'Order rejected - reason:Simulated rejection (fault injection)'),
        );
        return;
      }
      const now = this.ctx.clock.nowMs();
      const outcome = this.ctx.broker.place(placeInput(clientId, request), now);
      if (outcome.kind === 'rejected') {
        session.send(msg.error(request.orderId, outcome.code, outcome.text));
        return;
      }
      session.nextOrderId = Math.max(session.nextOrderId, request.orderId + 1);
      const order = outcome.order;
      if (!request.transmit && outcome.kind === 'accepted') this.ctx.broker.hold(order);
      if (outcome.kind === 'accepted' && order.status === 'Submitted') {
        // TWS reports PreSubmitted first, then Submitted once the order is at the exchange.
        order.status = 'PreSubmitted';
        this.publishOrderState(order);
        order.status = 'Submitted';
      }
      this.publishOrderState(order);
      if (isWorking(order) && !this.ctx.faults.connectivityDown && this.ctx.market.isMarketOpen(now)) {
        this.ctx.broker.match(now);
      }
      this.ctx.stateChanged();
    };
    if (this.ctx.faults.ackDelayMs > 0) this.ctx.later(this.ctx.faults.ackDelayMs, run);
    else run();
  }

  /**
   * IB answers a what-if order with one openOrder whose orderState carries the margin figures and
   * no orderStatus: nothing is placed, logged, or shown to other sessions.
   */
  private answerWhatIf(session: Session, clientId: number, request: PlaceOrderRequest): void {
    const now = this.ctx.clock.nowMs();
    const outcome = this.ctx.broker.whatIf(placeInput(clientId, request), now);
    if (outcome.kind === 'rejected') {
      session.send(msg.error(request.orderId, outcome.code, outcome.text));
      return;
    }
    session.nextOrderId = Math.max(session.nextOrderId, request.orderId + 1);
    const instrument = this.ctx.market.instrument(request.contract.symbol.toUpperCase());
    if (!instrument) return;
    const order: SimOrder = {
      clientId,
      orderId: request.orderId,
      permId: 0,
      account: request.account,
      instrument,
      action: request.action === 'SELL' ? 'SELL' : 'BUY',
      totalQuantity: request.totalQuantity,
      orderType: request.orderType === 'LMT' ? 'LMT' : 'MKT',
      lmtPrice: request.lmtPrice,
      tif: request.tif === 'GTC' ? 'GTC' : 'DAY',
      orderRef: request.orderRef,
      outsideRth: request.outsideRth,
      status: 'PreSubmitted',
      filled: 0,
      avgFillPrice: 0,
      lastFillPrice: 0,
      commission: 0,
      placedMs: now,
      completedMs: undefined,
      expiresAtMs: undefined,
      completedStatus: '',
    };
    session.send(
      msg.openOrder(session.version, order, {
        status: 'PreSubmitted',
        commission: undefined,
        whatIf: { before: outcome.before, after: outcome.after },
      }),
    );
  }

  cancelOrder(session: Session, orderId: number): void {
    const clientId = session.clientId ?? 0;
    const order = this.ctx.broker.order(clientId, orderId);
    if (!order) {
      session.send(msg.error(orderId, 10147, `OrderId ${orderId} that needs to be cancelled is not found.`));
      return;
    }
    if (!isWorking(order)) {
      session.send(
        msg.error(
          orderId,
          10148,
          `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${order.status}.`,
        ),
      );
      return;
    }
    if (this.ctx.faults.heldSymbols.has(order.instrument.symbol)) {
      // `hold-order`: IB's first answer to a cancel, then nothing until the release; it can still fill.
      this.ctx.faults.pendingCancels.add(`${clientId}:${orderId}`);
      for (const s of this.audienceOf(order)) s.send(msg.orderStatus(order, 'PendingCancel'));
      return;
    }
    this.ctx.broker.cancel(clientId, orderId, this.ctx.clock.nowMs());
  }

  /** Sessions that hear about an order: its owner, client 0, and auto-bound sessions. */
  private audienceOf(order: SimOrder): Session[] {
    return [...this.ctx.sessions()].filter(
      (s) => s.started && (s.clientId === order.clientId || s.clientId === 0 || s.autoOpenOrders),
    );
  }

  sendOrderState(session: Session, order: SimOrder): void {
    const commission = order.status === 'Filled' ? order.commission : undefined;
    session.send(msg.openOrder(session.version, order, { status: order.status, commission }));
    session.send(msg.orderStatus(order));
  }

  private publishOrderState(order: SimOrder): void {
    for (const session of this.audienceOf(order)) this.sendOrderState(session, order);
  }

  publishFill(order: SimOrder, execution: SimExecution): void {
    for (const session of this.audienceOf(order)) {
      session.send(msg.execDetails(session.version, -1, execution, this.execTimeText(execution)));
      session.send(msg.orderStatus(order));
      this.sendOrderState(session, order); // TWS repeats the status; clients must be idempotent.
      session.send(msg.commissionReport(execution));
    }
    this.accounts.publishChange(order.instrument);
    this.ctx.stateChanged();
  }

  publishDone(order: SimOrder): void {
    for (const session of this.audienceOf(order)) {
      if (order.completedStatus === 'Cancelled by Trader') {
        session.send(msg.error(order.orderId, 202, 'Order Canceled - reason:'));
      }
      session.send(msg.orderStatus(order));
    }
    this.ctx.stateChanged();
  }

  private execTimeText(execution: SimExecution): string {
    return zonedDateTimeText(execution.timeMs, execution.instrument.timeZoneId);
  }

  openOrders(session: Session, include: (order: SimOrder) => boolean): void {
    for (const order of this.ctx.broker.workingOrders())
      if (include(order)) this.sendOrderState(session, order);
    session.send(msg.openOrderEnd());
  }

  completedOrders(session: Session): void {
    for (const order of this.ctx.broker.allOrders()) {
      if (isWorking(order) || order.completedMs === undefined) continue;
      const text = zonedDateTimeText(order.completedMs, order.instrument.timeZoneId);
      session.send(msg.completedOrder(session.version, order, text, this.readsFaProfile(session)));
    }
    session.send(msg.completedOrdersEnd());
  }

  /**
   * IB's Java/Python decoders read faProfile in completed orders below version 177; @stoqey/ib does
   * not. Clients built on IB's `v100..` range string (the Java client and @stoqey/ib) are served the
   * @stoqey/ib layout, others (ib_insync, ib_async: `v157..`) IB's layout.
   */
  private readsFaProfile(session: Session): boolean {
    switch (this.ctx.config.completedOrderFaProfile) {
      case 'always':
        return true;
      case 'never':
        return false;
      default:
        return session.clientMinVersion !== 100;
    }
  }

  executions(session: Session, filter: ExecutionFilter): void {
    const sinceMs =
      filter.time.trim() === '' ? undefined : safeEndTime(filter.time, this.ctx.config.timeZone);
    for (const execution of this.ctx.broker.allExecutions()) {
      if (session.clientId !== 0 && execution.clientId !== session.clientId) continue;
      if (filter.clientId !== 0 && execution.clientId !== filter.clientId) continue;
      if (filter.acctCode !== '' && filter.acctCode !== execution.account) continue;
      if (sinceMs !== undefined && execution.timeMs < sinceMs) continue;
      if (filter.symbol !== '' && filter.symbol.toUpperCase() !== execution.instrument.symbol) continue;
      if (filter.secType !== '' && filter.secType.toUpperCase() !== 'STK') continue;
      if (
        filter.exchange !== '' &&
        filter.exchange.toUpperCase() !== execution.instrument.exchange &&
        filter.exchange.toUpperCase() !== execution.instrument.primaryExchange
      ) {
        continue;
      }
      if (filter.side !== '') {
        const side = filter.side.toUpperCase();
        const wanted =
          side === 'BUY' || side === 'BOT' ? 'BOT' : side === 'SELL' || side === 'SLD' ? 'SLD' : side;
        if (wanted !== execution.side) continue;
      }
      session.send(msg.execDetails(session.version, filter.reqId, execution, this.execTimeText(execution)));
      session.send(msg.commissionReport(execution));
    }
    session.send(msg.execDetailsEnd(filter.reqId));
  }

  /** Re-examines working orders at every `matchStepMs` of sim time between the last pass and now. */
  runMatching(now: number): void {
    if (this.ctx.faults.connectivityDown) {
      this.lastMatchMs = now;
      return;
    }
    if (!this.ctx.broker.hasWorkingOrders()) {
      this.lastMatchMs = now;
      return;
    }
    const step = this.ctx.config.matchStepMs;
    let t = this.lastMatchMs;
    while (t + step < now && this.ctx.broker.hasWorkingOrders()) {
      t += step;
      this.ctx.broker.match(t);
    }
    this.ctx.broker.match(now);
    this.lastMatchMs = now;
  }
}

function placeInput(clientId: number, request: PlaceOrderRequest): PlaceOrderInput {
  return {
    clientId,
    orderId: request.orderId,
    conId: request.contract.conId,
    symbol: request.contract.symbol,
    action: request.action,
    totalQuantity: request.totalQuantity,
    orderType: request.orderType,
    lmtPrice: request.lmtPrice,
    tif: request.tif,
    orderRef: request.orderRef,
    account: request.account,
    outsideRth: request.outsideRth,
  };
}

function safeEndTime(text: string, zone: string): number | undefined {
  try {
    return parseEndTime(text, 0, zone);
  } catch {
    return undefined;
  }
}
