import { type Contract, EventName, type Execution, type Order, type OrderState } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createFakeMarket, createSteppedClock, OPEN_TUESDAY_MS } from './fakes.js';
import { delay, TestClient } from './ib-client.js';

const aapl: Contract = { symbol: 'AAPL', secType: 'STK' as never, exchange: 'SMART', currency: 'USD' };

function lmt(
  action: 'BUY' | 'SELL',
  quantity: number,
  price: number,
  tif: 'DAY' | 'GTC',
  orderRef: string,
): Order {
  return {
    action: action as never,
    totalQuantity: quantity,
    orderType: 'LMT' as never,
    lmtPrice: price,
    tif: tif as never,
    transmit: true,
    orderRef,
  };
}

describe('order life cycles over the wire', () => {
  let sim: SimGatewayHandle;
  let client: TestClient;
  const market = createFakeMarket(5);
  const clock = createSteppedClock(OPEN_TUESDAY_MS);

  beforeAll(async () => {
    sim = await startSimGateway({
      market,
      clock,
      controlPort: null,
      maxMessagesPerSecond: 0,
      tickCadenceMs: 20,
      fill: { partialFillProbability: 1, partialClipShares: 100, slippageTicks: 0 },
    });
    client = new TestClient(sim.port);
    await client.connect(0);
  });

  afterAll(async () => {
    client.disconnect();
    await sim.close();
    expect(client.decoderProblems).toEqual([]);
  });

  it('reports partial fills as Submitted with filled/remaining, then Filled', async () => {
    const statuses: Array<[string, number, number]> = [];
    const onStatus = ((id: number, status: string, filled: number, remaining: number) => {
      if (id === 1) statuses.push([status, filled, remaining]);
    }) as never;
    client.events.on(EventName.orderStatus, onStatus);
    const execs: Execution[] = [];
    const onExec = ((_r: number, _c: Contract, e: Execution) => {
      if (e.orderId === 1) execs.push(e);
    }) as never;
    client.events.on(EventName.execDetails, onExec);
    const filled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 1 && s === 'Filled',
    );
    client.api.placeOrder(1, aapl, {
      action: 'BUY' as never,
      totalQuantity: 300,
      orderType: 'MKT' as never,
      tif: 'DAY' as never,
      transmit: true,
      orderRef: 'partial',
    });
    for (let i = 0; i < 5; i++) {
      await delay(30);
      clock.advance(1000);
    }
    await filled;
    client.events.off(EventName.orderStatus, onStatus);
    client.events.off(EventName.execDetails, onExec);
    expect(execs.map((e) => e.shares)).toEqual([100, 100, 100]);
    expect(execs.map((e) => e.cumQty)).toEqual([100, 200, 300]);
    expect(statuses).toContainEqual(['Submitted', 100, 200]);
    expect(statuses).toContainEqual(['Submitted', 200, 100]);
    expect(statuses.at(-1)).toEqual(['Filled', 300, 0]);
  });

  it('modifies a working limit order placed again under the same id', async () => {
    const quote = market.quoteAt('AAPL', clock.nowMs());
    const working = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 2 && s === 'Submitted',
    );
    client.api.placeOrder(2, aapl, lmt('BUY', 50, 1, 'GTC', 'mod'));
    await working;
    const modified = client.next<[number, Contract, Order, OrderState]>(
      EventName.openOrder,
      (id, _c, o) => id === 2 && o.totalQuantity === 80,
    );
    client.api.placeOrder(2, aapl, lmt('BUY', 80, 2, 'GTC', 'mod'));
    const [, , order] = await modified;
    expect(order.lmtPrice).toBe(2);
    expect(
      sim
        .orderLog()
        .filter((o) => o.orderId === 2)
        .map((o) => o.kind),
    ).toEqual(['place', 'modify']);
    const filled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 2 && s === 'Filled',
      3000,
    );
    client.api.placeOrder(2, aapl, lmt('BUY', 80, (quote?.ask ?? 0) + 50, 'GTC', 'mod'));
    for (let i = 0; i < 3; i++) {
      await delay(30);
      clock.advance(1000);
    }
    await filled;
    const duplicate = client.next<[Error, number, number]>(
      EventName.error,
      (_e, code, id) => code === 103 && id === 2,
    );
    client.api.placeOrder(2, aapl, lmt('BUY', 80, 1, 'GTC', 'mod'));
    await duplicate;
  });

  it('expires a DAY order at the close and keeps a GTC order', async () => {
    const dayDone = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 3 && s === 'Cancelled',
      3000,
    );
    client.api.placeOrder(3, aapl, lmt('BUY', 10, 1, 'DAY', 'day'));
    client.api.placeOrder(4, aapl, lmt('BUY', 10, 1, 'GTC', 'gtc'));
    await delay(30);
    clock.set(Date.UTC(2026, 10, 24, 21, 30));
    await dayDone;
    const open = client.collect<[number]>(EventName.openOrder, EventName.openOrderEnd);
    client.api.reqAllOpenOrders();
    const ids = (await open).map((o) => o[0]);
    expect(ids).toContain(4);
    expect(ids).not.toContain(3);
    const completed = client.collect<[Contract, Order, OrderState]>(
      EventName.completedOrder,
      EventName.completedOrdersEnd,
    );
    client.api.reqCompletedOrders(false);
    const day = (await completed).find((c) => c[1].orderRef === 'day');
    expect(day?.[2].status).toBe('Cancelled');
    expect(day?.[2].completedStatus).toMatch(/expired/);
  });

  it('holds orders placed while the market is closed until it opens', async () => {
    const pre = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 5 && s === 'PreSubmitted',
    );
    client.api.placeOrder(5, aapl, {
      action: 'SELL' as never,
      totalQuantity: 100,
      orderType: 'MKT' as never,
      tif: 'DAY' as never,
      transmit: true,
      orderRef: 'overnight',
    });
    await pre;
    await delay(50);
    expect(sim.gateway.broker.order(0, 5)?.filled).toBe(0);
    const filled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 5 && s === 'Filled',
      3000,
    );
    clock.set(Date.UTC(2026, 10, 25, 14, 31));
    await filled;
    const fill = sim.gateway.broker.allExecutions().filter((e) => e.orderId === 5);
    expect(fill[0]?.timeMs).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 25, 14, 30));
    expect(fill[0]?.price).toBe(market.quoteAt('AAPL', fill[0]?.timeMs ?? 0)?.bid);
  });

  it('keeps an order sent with transmit=false inactive and never fills it', async () => {
    const inactive = client.next<[number, string]>(EventName.orderStatus, (id) => id === 6);
    client.api.placeOrder(6, aapl, {
      action: 'BUY' as never,
      totalQuantity: 1,
      orderType: 'MKT' as never,
      tif: 'DAY' as never,
      orderRef: 'held',
    });
    expect((await inactive)[1]).toBe('Inactive');
    clock.advance(60_000);
    await delay(50);
    expect(sim.gateway.broker.order(0, 6)?.filled).toBe(0);
  });

  it('lets only client 0 bind to automatic open orders', async () => {
    const other = new TestClient(sim.port);
    await other.connect(9);
    const refused = other.next<[string, number]>(EventName.info, (_m, code) => code === 321);
    other.api.reqAutoOpenOrders(true);
    expect((await refused)[0]).toMatch(/client id 0/);
    const seen = client.next<[number, Contract, Order]>(
      EventName.openOrder,
      (_id, _c, o) => o.orderRef === 'from-9',
    );
    client.api.reqAutoOpenOrders(true);
    other.api.placeOrder(1, aapl, lmt('BUY', 1, 1, 'GTC', 'from-9'));
    const [, , order] = await seen;
    expect(order.clientId).toBe(9);
    expect(other.decoderProblems).toEqual([]);
    other.disconnect();
  });

  it('hold-order: a held order fills only up to its cap and its cancel stays PendingCancel until the release', async () => {
    await sim.faults.holdOrders('AAPL', 100);
    const statuses: Array<[string, number]> = [];
    const onStatus = ((id: number, status: string, filled: number) => {
      if (id === 7) statuses.push([status, filled]);
    }) as never;
    client.events.on(EventName.orderStatus, onStatus);
    client.api.placeOrder(7, aapl, {
      action: 'BUY' as never,
      totalQuantity: 400,
      orderType: 'MKT' as never,
      tif: 'DAY' as never,
      transmit: true,
      orderRef: 'hold',
    });
    for (let i = 0; i < 3; i++) {
      await delay(30);
      clock.advance(1000);
    }
    expect(sim.gateway.broker.order(0, 7)?.filled).toBe(100);
    const pending = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 7 && s === 'PendingCancel',
    );
    client.api.cancelOrder(7);
    await pending;
    // IB may fill an order whose cancel is pending: raising the cap fills more at once.
    await sim.faults.holdOrders('AAPL', 250);
    clock.advance(1000);
    await delay(50);
    expect(sim.gateway.broker.order(0, 7)).toMatchObject({ filled: 250, status: 'Submitted' });
    const cancelled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, s) => id === 7 && s === 'Cancelled',
    );
    await sim.faults.releaseOrders('AAPL');
    await cancelled;
    client.events.off(EventName.orderStatus, onStatus);
    expect(sim.gateway.broker.order(0, 7)).toMatchObject({ filled: 250, status: 'Cancelled' });
    expect(statuses.at(-1)).toEqual(['Cancelled', 250]);
    expect(sim.gateway.faults.heldSymbols.size).toBe(0);
    expect(sim.gateway.faults.pendingCancels.size).toBe(0);
    await expect(sim.faults.apply('hold-order', { symbol: 'NOPE' })).rejects.toThrow(/unknown symbol/);
    await expect(sim.faults.apply('hold-order', { symbol: 'AAPL', fill: -1 })).rejects.toThrow();
  });
});
