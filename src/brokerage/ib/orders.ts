import {
  type CommissionReport,
  type Contract,
  EventName,
  type Execution,
  type Order,
  type OrderState,
} from '@stoqey/ib';
import type { Clock } from '../../core/clock.js';
import type {
  BrokerCommission,
  BrokerErrorInfo,
  BrokerExecution,
  BrokerOrder,
  ExecutionFilter,
  OrderRequest,
  OrderStatusUpdate,
  OrdersPort,
  WhatIfAnswer,
} from '../port.js';
import { BrokerRequestError } from '../port.js';
import type { IbConnection } from './connection.js';
import {
  numberOr,
  toBrokerCommission,
  toBrokerExecution,
  toBrokerOrder,
  toIbContract,
  toIbOrder,
  toOrderStatus,
  toWhatIfAnswer,
} from './decode.js';
import { RequestBook, SharedRequest } from './requests.js';

function listeners<T>() {
  const set = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): () => void {
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(value: T): void {
      for (const listener of [...set]) listener(value);
    },
  };
}

interface ExecutionsState {
  executions: BrokerExecution[];
  commissions: BrokerCommission[];
}

interface WhatIfWaiter {
  resolve: (answer: WhatIfAnswer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Order ids live below this; request ids above (see connection.ts). */
const ORDER_ID_LIMIT = 100_000_000;

/** Placement, cancellation, order/execution queries and the live order event streams. */
export function createOrders(connection: IbConnection, clock: Clock, timeoutMs: number): OrdersPort {
  const status = listeners<OrderStatusUpdate>();
  const openOrder = listeners<BrokerOrder>();
  const execution = listeners<BrokerExecution>();
  const commission = listeners<BrokerCommission>();
  const orderError = listeners<BrokerErrorInfo>();
  const open = new SharedRequest<Map<number, BrokerOrder>, BrokerOrder[]>(
    connection,
    'open orders',
    timeoutMs,
  );
  const completed = new SharedRequest<BrokerOrder[], BrokerOrder[]>(
    connection,
    'completed orders',
    timeoutMs,
  );
  const executions = new RequestBook<ExecutionsState, ExecutionsState>(connection, 'executions', timeoutMs);
  /** What-if orders waiting for their answer, by order id. */
  const whatIfs = new Map<number, WhatIfWaiter>();
  const settleWhatIf = (orderId: number): WhatIfWaiter | undefined => {
    const waiting = whatIfs.get(orderId);
    if (!waiting) return undefined;
    whatIfs.delete(orderId);
    clearTimeout(waiting.timer);
    return waiting;
  };
  const collectingExecutions = new Set<ExecutionsState>();

  connection.attach((api) => {
    api.on(EventName.openOrder, (orderId: number, contract: Contract, order: Order, state: OrderState) => {
      connection.seeOrderId(orderId);
      // A what-if answer is no order: it goes to its caller only.
      if (order.whatIf) {
        settleWhatIf(orderId)?.resolve(toWhatIfAnswer(state));
        return;
      }
      const mapped = toBrokerOrder(orderId, contract, order, state);
      const collecting = open.state;
      if (collecting) {
        const key = mapped.permId || orderId;
        collecting.set(key, { ...(collecting.get(key) ?? {}), ...mapped });
      }
      openOrder.emit(mapped);
    });
    api.on(EventName.openOrderEnd, () => {
      const collecting = open.state;
      if (collecting) open.finish([...collecting.values()]);
    });
    api.on(
      EventName.orderStatus,
      (
        orderId: number,
        text: string,
        filled: number,
        remaining: number,
        avgFillPrice: number,
        permId?: number,
        _parentId?: number,
        lastFillPrice?: number,
        clientId?: number,
        whyHeld?: string,
      ) => {
        connection.seeOrderId(orderId);
        const update: OrderStatusUpdate = {
          orderId,
          permId: permId ?? 0,
          clientId: clientId ?? 0,
          status: toOrderStatus(text),
          filled: numberOr(filled, 0),
          remaining: numberOr(remaining, 0),
          avgFillPrice: numberOr(avgFillPrice, 0),
          lastFillPrice: numberOr(lastFillPrice, 0),
          whyHeld: whyHeld ?? '',
          timeMs: clock.nowMs(),
        };
        const collecting = open.state;
        if (collecting) {
          for (const [key, order] of collecting) {
            if (order.orderId === orderId && (!permId || order.permId === permId)) {
              collecting.set(key, {
                ...order,
                status: update.status,
                filled: update.filled,
                remaining: update.remaining,
              });
            }
          }
        }
        status.emit(update);
      },
    );
    api.on(EventName.completedOrder, (contract: Contract, order: Order, state: OrderState) => {
      completed.state?.push(toBrokerOrder(order.orderId ?? 0, contract, order, state));
    });
    api.on(EventName.completedOrdersEnd, () => {
      const rows = completed.state;
      if (rows) completed.finish(rows);
    });
    api.on(EventName.execDetails, (reqId: number, contract: Contract, exec: Execution) => {
      const mapped = toBrokerExecution(contract, exec);
      const request = reqId >= 0 ? executions.get(reqId) : undefined;
      if (request) {
        request.state.executions.push(mapped);
        return;
      }
      execution.emit(mapped);
    });
    api.on(EventName.execDetailsEnd, (reqId: number) => {
      const request = executions.get(reqId);
      request?.finish(request.state);
    });
    api.on(EventName.commissionReport, (report: CommissionReport) => {
      const mapped = toBrokerCommission(report);
      for (const state of collectingExecutions) state.commissions.push(mapped);
      commission.emit(mapped);
    });
  });
  connection.onIdError((error) => {
    const whatIf = settleWhatIf(error.id);
    if (whatIf) {
      whatIf.reject(new BrokerRequestError(error.code, error.message));
      return;
    }
    if (error.id > 0 && error.id < ORDER_ID_LIMIT) orderError.emit(error);
  });

  return {
    onStatus: status.add,
    onOpenOrder: openOrder.add,
    onExecution: execution.add,
    onCommission: commission.add,
    onOrderError: orderError.add,
    nextOrderId: () => connection.nextOrderId(),
    place(order: OrderRequest): void {
      const api = connection.requireTradable(`order ${order.orderRef}`);
      const account = connection.modeCheck().account;
      if (order.account && account && order.account !== account) {
        throw new BrokerRequestError(
          0,
          `order ${order.orderRef} is for another account than the one this connection trades (mode check)`,
        );
      }
      if (!Number.isInteger(order.quantity) || order.quantity <= 0) {
        throw new BrokerRequestError(0, `order ${order.orderRef}: quantity must be a positive integer`);
      }
      if (order.type === 'LMT' && !(order.limitPrice !== undefined && order.limitPrice > 0)) {
        throw new BrokerRequestError(0, `order ${order.orderRef}: a limit order needs a positive limitPrice`);
      }
      connection.seeOrderId(order.orderId);
      api.placeOrder(
        order.orderId,
        toIbContract(order.contract),
        toIbOrder({ ...order, account: order.account || (account ?? '') }),
      );
    },
    whatIf(order: OrderRequest): Promise<WhatIfAnswer> {
      const api = connection.requireTradable(`what-if for ${order.contract.symbol}`);
      const account = connection.modeCheck().account;
      return new Promise<WhatIfAnswer>((resolve, reject) => {
        const timer = setTimeout(() => {
          whatIfs.delete(order.orderId);
          reject(
            new BrokerRequestError(0, `no what-if answer for ${order.contract.symbol} in ${timeoutMs} ms`),
          );
        }, timeoutMs);
        whatIfs.set(order.orderId, { resolve, reject, timer });
        connection.seeOrderId(order.orderId);
        api.placeOrder(order.orderId, toIbContract(order.contract), {
          ...toIbOrder({ ...order, account: order.account || (account ?? '') }),
          whatIf: true,
        });
      });
    },
    cancel(orderId: number): void {
      connection.requireApi(`cancel of order ${orderId}`).cancelOrder(orderId, '');
    },
    openOrders(): Promise<BrokerOrder[]> {
      return open.run(
        () => new Map(),
        (api) => api.reqAllOpenOrders(),
      );
    },
    completedOrders(): Promise<BrokerOrder[]> {
      return completed.run(
        () => [],
        (api) => api.reqCompletedOrders(false),
      );
    },
    async executions(filter: ExecutionFilter = {}) {
      const state: ExecutionsState = { executions: [], commissions: [] };
      collectingExecutions.add(state);
      try {
        const result = await executions.run(state, (api, reqId) => api.reqExecutions(reqId, {}));
        const kept = result.executions.filter(
          (e) =>
            (filter.clientId === undefined || e.clientId === filter.clientId) &&
            (filter.account === undefined || e.account === filter.account) &&
            (filter.sinceMs === undefined || e.timeMs >= filter.sinceMs) &&
            (filter.symbol === undefined || e.symbol === filter.symbol.toUpperCase()) &&
            (filter.side === undefined || e.side === filter.side),
        );
        const ids = new Set(kept.map((e) => e.execId));
        const byExec = new Map(result.commissions.filter((c) => ids.has(c.execId)).map((c) => [c.execId, c]));
        return { executions: kept, commissions: [...byExec.values()] };
      } finally {
        collectingExecutions.delete(state);
      }
    },
  };
}
