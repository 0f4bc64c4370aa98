import {
  type Brokerage,
  type BrokerCommission,
  type BrokerContract,
  type BrokerErrorInfo,
  type BrokerExecution,
  type BrokerOrder,
  type BrokerOrderStatus,
  type BrokerPosition,
  BrokerRequestError,
  BrokerUnavailableError,
  type ConnectionState,
  type ConnectionStatus,
  type OrderRequest,
  type OrderStatusUpdate,
  type QuoteUpdate,
  type ReconcileReason,
} from '../../src/brokerage/index.js';

type Listener<T> = (value: T) => void;

class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}

/** How the in-memory broker answers the next orders. */
export type FillMode = 'fill' | 'hold' | 'reject' | 'partial' | 'silent';

export interface PlacedEntry {
  orderId: number;
  orderRef: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
}

/**
 * A small broker in memory for unit tests of the execution core: it keeps an order log (every
 * place that reached it), positions, executions, and emits IB-like events on the next tick.
 * Faults: disconnect (nothing is sent, BrokerUnavailableError), silent orders (no events), replays.
 */
export class MemoryBroker implements Brokerage {
  readonly name = 'memory';
  readonly log: PlacedEntry[] = [];
  /** Every cancel request that reached it (IB order ids). */
  readonly cancels: number[] = [];
  mode: FillMode = 'fill';
  /** While true, events are not delivered (as if the socket was gone) but the broker still acts. */
  deafened = false;
  private status: ConnectionStatus = 'CONNECTED';
  private nextId = 100;
  private execSeq = 0;
  private permSeq = 5000;
  private readonly book = new Map<number, BrokerOrder>();
  private readonly execs: BrokerExecution[] = [];
  private readonly commissionsByExec = new Map<string, BrokerCommission>();
  readonly positionsBySymbol = new Map<string, number>();
  readonly prices: Record<string, number> = {};
  private readonly contractsBySymbol = new Map<string, BrokerContract>();
  private readonly stateEvents = new Emitter<ConnectionState>();
  private readonly reconcileEvents = new Emitter<ReconcileReason>();
  private readonly statusEvents = new Emitter<OrderStatusUpdate>();
  private readonly openEvents = new Emitter<BrokerOrder>();
  private readonly execEvents = new Emitter<BrokerExecution>();
  private readonly commissionEvents = new Emitter<BrokerCommission>();
  private readonly errorEvents = new Emitter<BrokerErrorInfo>();
  cash = 1_000_000;
  readonly clientId = 7;
  readonly accountId: string;

  constructor(symbols: Record<string, number>, options: { accountId?: string } = {}) {
    this.accountId = options.accountId ?? 'DU111';
    let conId = 1000;
    for (const [symbol, price] of Object.entries(symbols)) {
      this.prices[symbol] = price;
      this.contractsBySymbol.set(symbol, {
        symbol,
        conId: conId++,
        secType: 'STK',
        exchange: 'SMART',
        primaryExchange: 'NASDAQ',
        currency: 'USD',
        multiplier: 1,
        minTick: 0.01,
        lotSize: 1,
        longName: symbol,
        industry: '',
        category: '',
        timeZoneId: 'US/Eastern',
        tradingHours: '',
        liquidHours: '',
      });
    }
  }

  setStatus(status: ConnectionStatus, reconcile?: ReconcileReason): void {
    this.status = status;
    this.stateEvents.emit(this.connection.state());
    if (reconcile) this.reconcileEvents.emit(reconcile);
  }

  readonly connection = {
    state: (): ConnectionState => ({
      status: this.status,
      reason: null,
      sinceMs: 0,
      host: 'memory',
      port: 0,
      clientId: this.clientId,
      serverVersion: 176,
      managedAccounts: [this.accountId],
      lastHeartbeatMs: null,
      reconnectCount: 0,
      lastError: null,
    }),
    start: async () => {},
    stop: async () => {},
    onStateChange: (l: Listener<ConnectionState>) => this.stateEvents.on(l),
    onReconcileNeeded: (l: Listener<ReconcileReason>) => this.reconcileEvents.on(l),
  };

  readonly contracts = {
    resolve: async (query: { symbol: string }): Promise<BrokerContract[]> => {
      const contract = this.contractsBySymbol.get(query.symbol);
      if (!contract)
        throw new BrokerRequestError(200, 'No security definition has been found for the request');
      return [contract];
    },
  };

  private quoteOf(contract: BrokerContract): QuoteUpdate {
    const price = this.prices[contract.symbol] ?? 0;
    return {
      symbol: contract.symbol,
      conId: contract.conId,
      timeMs: this.quoteTimeMs(),
      bid: price - 0.01,
      ask: price + 0.01,
      last: price,
    };
  }

  readonly quotes = {
    subscribe: (contract: BrokerContract, onUpdate: (update: QuoteUpdate) => void) => {
      const timer = setTimeout(() => onUpdate(this.quoteOf(contract)));
      return { close: () => clearTimeout(timer) };
    },
    snapshot: async (contract: BrokerContract): Promise<QuoteUpdate> => this.quoteOf(contract),
  };

  quoteTimeMs: () => number = () => Date.UTC(2026, 0, 5, 15);

  readonly history = {
    bars: async () => [],
  };

  readonly account = {
    positions: async (): Promise<BrokerPosition[]> =>
      [...this.positionsBySymbol.entries()]
        .filter(([, quantity]) => quantity !== 0)
        .map(([symbol, quantity]) => ({
          account: this.accountId,
          symbol,
          conId: this.contractsBySymbol.get(symbol)?.conId ?? 0,
          quantity,
          avgCost: this.prices[symbol] ?? 0,
        })),
    summary: async () => {
      let gross = 0;
      for (const [symbol, quantity] of this.positionsBySymbol) gross += quantity * (this.prices[symbol] ?? 0);
      return {
        account: this.accountId,
        currency: 'USD',
        netLiquidation: this.cash + gross,
        totalCash: this.cash,
        buyingPower: this.cash * 4,
        availableFunds: this.cash,
        excessLiquidity: this.cash,
        grossPositionValue: gross,
      };
    },
  };

  readonly orders = {
    nextOrderId: () => this.nextId++,
    place: (request: OrderRequest) => this.place(request),
    cancel: (orderId: number) => this.cancelOrder(orderId),
    openOrders: async () =>
      this.whenConnected([...this.book.values()].filter((o) => isOpen(o.status)).map((o) => ({ ...o }))),
    completedOrders: async () =>
      this.whenConnected([...this.book.values()].filter((o) => !isOpen(o.status)).map((o) => ({ ...o }))),
    executions: async () =>
      this.whenConnected({ executions: [...this.execs], commissions: [...this.commissionsByExec.values()] }),
    onStatus: (l: Listener<OrderStatusUpdate>) => this.statusEvents.on(l),
    onOpenOrder: (l: Listener<BrokerOrder>) => this.openEvents.on(l),
    onExecution: (l: Listener<BrokerExecution>) => this.execEvents.on(l),
    onCommission: (l: Listener<BrokerCommission>) => this.commissionEvents.on(l),
    onOrderError: (l: Listener<BrokerErrorInfo>) => this.errorEvents.on(l),
  };

  /** Sends the current status of every order again (IB does this; handlers must be idempotent). */
  replayAll(): void {
    for (const order of this.book.values()) {
      const opened = { ...order };
      const status = statusOf(order);
      this.deliver(() => {
        this.openEvents.emit(opened);
        this.statusEvents.emit(status);
      });
    }
    for (const execution of this.execs) {
      this.deliver(() => {
        this.execEvents.emit(execution);
        const commission = this.commissionsByExec.get(execution.execId);
        if (commission) this.commissionEvents.emit(commission);
      });
    }
  }

  /** Fills whatever is still working (e.g. held orders), emitting events unless deafened. */
  fillWorking(): void {
    for (const order of this.book.values()) {
      if (isOpen(order.status)) this.fill(order, order.remaining);
    }
  }

  private async whenConnected<T>(value: T): Promise<T> {
    if (this.status === 'DISCONNECTED' || this.status === 'CONNECTING') {
      throw new BrokerUnavailableError(this.status, 'not connected');
    }
    return value;
  }

  private place(request: OrderRequest): void {
    if (this.status !== 'CONNECTED') throw new BrokerUnavailableError(this.status, 'orders need CONNECTED');
    if (this.mode === 'reject') {
      this.deliver(() =>
        this.errorEvents.emit({ id: request.orderId, code: 201, message: 'Order rejected', atMs: 0 }),
      );
      return;
    }
    this.log.push({
      orderId: request.orderId,
      orderRef: request.orderRef,
      symbol: request.contract.symbol,
      side: request.side,
      quantity: request.quantity,
    });
    const order: BrokerOrder = {
      orderId: request.orderId,
      permId: this.permSeq++,
      clientId: this.clientId,
      orderRef: request.orderRef,
      account: request.account,
      symbol: request.contract.symbol,
      conId: request.contract.conId,
      side: request.side,
      quantity: request.quantity,
      type: request.type,
      limitPrice: request.limitPrice ?? null,
      tif: request.tif,
      status: 'Submitted',
      filled: 0,
      remaining: request.quantity,
    };
    this.book.set(order.orderId, order);
    if (this.mode === 'silent') return;
    const opened = { ...order };
    const status = statusOf(order);
    this.deliver(() => {
      this.openEvents.emit(opened);
      this.statusEvents.emit(status);
    });
    if (this.mode === 'fill') this.fill(order, order.quantity);
    if (this.mode === 'partial') this.fill(order, Math.max(1, Math.floor(order.quantity / 2)));
  }

  private fill(order: BrokerOrder, shares: number): void {
    const price = this.prices[order.symbol] ?? 1;
    order.filled += shares;
    order.remaining = order.quantity - order.filled;
    if (order.remaining === 0) order.status = 'Filled';
    const signed = order.side === 'BUY' ? shares : -shares;
    this.positionsBySymbol.set(order.symbol, (this.positionsBySymbol.get(order.symbol) ?? 0) + signed);
    this.cash -= signed * price;
    const execution: BrokerExecution = {
      execId: `0001.${++this.execSeq}`,
      orderId: order.orderId,
      permId: order.permId,
      clientId: order.clientId,
      orderRef: order.orderRef,
      account: order.account,
      symbol: order.symbol,
      conId: order.conId,
      side: order.side,
      shares,
      price,
      cumQty: order.filled,
      avgPrice: price,
      exchange: 'ISLAND',
      timeMs: Date.UTC(2026, 0, 5, 15),
    };
    const commission: BrokerCommission = {
      execId: execution.execId,
      commission: 1,
      currency: 'USD',
      realizedPnl: null,
    };
    this.execs.push(execution);
    this.commissionsByExec.set(execution.execId, commission);
    const snapshot = statusOf(order);
    this.deliver(() => {
      this.execEvents.emit(execution);
      this.commissionEvents.emit(commission);
      this.statusEvents.emit(snapshot);
    });
  }

  private cancelOrder(orderId: number): void {
    if (this.status !== 'CONNECTED') throw new BrokerUnavailableError(this.status, 'orders need CONNECTED');
    this.cancels.push(orderId);
    const order = this.book.get(orderId);
    if (!order || !isOpen(order.status)) return;
    order.status = 'Cancelled';
    const snapshot = statusOf(order);
    this.deliver(() => {
      this.statusEvents.emit(snapshot);
      this.errorEvents.emit({ id: orderId, code: 202, message: 'Order Canceled - reason:', atMs: 0 });
    });
  }

  private deliver(emit: () => void): void {
    if (this.deafened) return;
    setImmediate(() => {
      if (!this.deafened) emit();
    });
  }
}

function isOpen(status: BrokerOrderStatus): boolean {
  return !['Filled', 'Cancelled', 'ApiCancelled', 'Inactive'].includes(status);
}

function statusOf(order: BrokerOrder): OrderStatusUpdate {
  return {
    orderId: order.orderId,
    permId: order.permId,
    clientId: order.clientId,
    status: order.status,
    filled: order.filled,
    remaining: order.remaining,
    avgFillPrice: order.filled > 0 ? 100 : 0,
    lastFillPrice: 0,
    whyHeld: '',
    timeMs: 0,
  };
}
