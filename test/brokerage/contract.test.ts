import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbBrokerage } from '../../src/brokerage/ib/index.js';
import {
  type BrokerContract,
  type BrokerExecution,
  BrokerRequestError,
  BrokerUnavailableError,
  type OrderStatusUpdate,
  type QuoteUpdate,
  type ReconcileReason,
} from '../../src/brokerage/index.js';
import { delay, type Harness, startHarness, waitFor } from './sim-harness.js';

/**
 * The Brokerage contract suite: what every implementation of the port must do, run against the IB
 * adapter connected over TCP to the built-in paper gateway.
 */
describe('Brokerage contract: IB adapter against the built-in gateway', () => {
  let h: Harness;
  let broker: IbBrokerage;
  const reconciles: ReconcileReason[] = [];
  let aapl: BrokerContract;

  beforeAll(async () => {
    h = await startHarness();
    broker = h.brokerage();
    broker.connection.onReconcileNeeded((r) => reconciles.push(r));
    await broker.connection.start();
    const [found] = await broker.contracts.resolve({ symbol: 'AAPL' });
    if (!found) throw new Error('AAPL not resolved');
    aapl = found;
  });

  afterAll(async () => {
    await h.close();
  });

  it('refuses requests before it is connected, without queueing them', async () => {
    const idle = h.brokerage();
    expect(idle.connection.state().status).toBe('DISCONNECTED');
    await expect(idle.contracts.resolve({ symbol: 'AAPL' })).rejects.toBeInstanceOf(BrokerUnavailableError);
    expect(() => idle.orders.nextOrderId()).toThrow(BrokerUnavailableError);
    expect(() =>
      idle.orders.place({
        orderId: 1,
        orderRef: 'never-sent',
        contract: aapl,
        side: 'BUY',
        quantity: 1,
        type: 'MKT',
        tif: 'DAY',
        account: 'DU1234567',
      }),
    ).toThrow(BrokerUnavailableError);
    await idle.connection.start();
    await delay(100);
    expect(h.sim.orderLog().some((o) => o.orderRef === 'never-sent')).toBe(false);
  });

  it('is CONNECTED with server version, accounts and a startup reconcile', () => {
    const state = broker.connection.state();
    expect(state.status).toBe('CONNECTED');
    expect(state.serverVersion).toBeGreaterThanOrEqual(176);
    expect(state.managedAccounts).toEqual(['DU1234567']);
    expect(broker.ib.modeCheck()).toMatchObject({ ok: true, account: 'DU1234567' });
    expect(reconciles).toEqual(['startup']);
  });

  it('answers heartbeats', async () => {
    const state = await waitFor('heartbeat', () => {
      const s = broker.connection.state();
      return s.lastHeartbeatMs !== null ? s : null;
    });
    expect(state.lastHeartbeatMs).toBe(h.clock.nowMs());
  });

  it('resolves contracts and rejects unknown symbols with code 200', async () => {
    expect(aapl).toMatchObject({
      symbol: 'AAPL',
      conId: 265598,
      secType: 'STK',
      exchange: 'SMART',
      primaryExchange: 'NASDAQ',
      currency: 'USD',
      multiplier: 1,
      minTick: 0.01,
      lotSize: 1,
    });
    expect(aapl.tradingHours).toMatch(/\d{8}:\d{4}-\d{8}:\d{4}/);
    const error = await broker.contracts.resolve({ symbol: 'NOSUCHSYM' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerRequestError);
    expect((error as BrokerRequestError).code).toBe(200);
  });

  it('streams level-1 quotes and stops after close', async () => {
    const updates: QuoteUpdate[] = [];
    const sub = broker.quotes.subscribe(aapl, (u) => updates.push(u));
    const merged = await waitFor('bid, ask and last', () => {
      const m = Object.assign({}, ...updates) as QuoteUpdate;
      return m.bid && m.ask && m.last && m.volume !== undefined ? m : null;
    });
    expect(merged.symbol).toBe('AAPL');
    expect(merged.conId).toBe(265598);
    expect(merged.bid).toBeLessThanOrEqual(merged.ask as number);
    sub.close();
    await delay(60);
    const count = updates.length;
    await delay(120);
    expect(updates.length).toBe(count);
  });

  it('returns daily and minute bars', async () => {
    const daily = await broker.history.bars({
      contract: aapl,
      endMs: null,
      duration: '10 D',
      barSize: '1 day',
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(daily.length).toBeGreaterThanOrEqual(5);
    for (const bar of daily) {
      expect(bar.timeMs % 86_400_000).toBe(0);
      expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
      expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
    }
    const minutes = await broker.history.bars({
      contract: aapl,
      endMs: h.clock.nowMs(),
      duration: '1800 S',
      barSize: '1 min',
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(minutes.length).toBe(30);
    expect(minutes[1]?.timeMs ?? 0).toBe((minutes[0]?.timeMs ?? 0) + 60_000);
  });

  it('places an order with a local id and reports status, execution, commission, position', async () => {
    const statuses: OrderStatusUpdate[] = [];
    const executions: BrokerExecution[] = [];
    broker.orders.onStatus((s) => statuses.push(s));
    broker.orders.onExecution((e) => executions.push(e));
    const before = await broker.account.positions();
    const held = before.find((p) => p.symbol === 'AAPL')?.quantity ?? 0;
    const orderId = broker.orders.nextOrderId();
    expect(broker.orders.nextOrderId()).toBe(orderId + 1);
    broker.orders.place({
      orderId,
      orderRef: 'contract-buy-1',
      contract: aapl,
      side: 'BUY',
      quantity: 10,
      type: 'MKT',
      tif: 'DAY',
      account: 'DU1234567',
    });
    await waitFor('fill', () => statuses.find((s) => s.orderId === orderId && s.status === 'Filled'));
    await waitFor('execution', () => executions.find((e) => e.orderId === orderId));
    const exec = executions.find((e) => e.orderId === orderId);
    expect(exec).toMatchObject({ orderRef: 'contract-buy-1', symbol: 'AAPL', side: 'BUY', shares: 10 });
    expect(h.sim.orderLog().filter((o) => o.orderRef === 'contract-buy-1')).toHaveLength(1);

    const { executions: listed, commissions } = await broker.orders.executions({ symbol: 'AAPL' });
    const mine = listed.filter((e) => e.orderRef === 'contract-buy-1');
    expect(mine.reduce((sum, e) => sum + e.shares, 0)).toBe(10);
    expect(commissions.map((c) => c.execId)).toEqual(expect.arrayContaining(mine.map((e) => e.execId)));
    expect(commissions.every((c) => c.commission > 0)).toBe(true);

    const after = await broker.account.positions();
    expect(after.find((p) => p.symbol === 'AAPL')?.quantity).toBe(held + 10);
    const completed = await broker.orders.completedOrders();
    expect(completed.find((o) => o.orderRef === 'contract-buy-1')).toMatchObject({
      status: 'Filled',
      filled: 10,
    });
  });

  it('lists a working limit order as open and cancels it', async () => {
    const quote = await new Promise<QuoteUpdate>((resolve) => {
      const sub = broker.quotes.subscribe(aapl, (u) => {
        if (u.bid) {
          sub.close();
          resolve(u);
        }
      });
    });
    const limit = Math.round((quote.bid as number) * 0.5 * 100) / 100;
    const orderId = broker.orders.nextOrderId();
    const statuses: OrderStatusUpdate[] = [];
    broker.orders.onStatus((s) => {
      if (s.orderId === orderId) statuses.push(s);
    });
    broker.orders.place({
      orderId,
      orderRef: 'contract-limit-1',
      contract: aapl,
      side: 'BUY',
      quantity: 5,
      type: 'LMT',
      limitPrice: limit,
      tif: 'DAY',
      account: 'DU1234567',
    });
    await waitFor('submitted', () =>
      statuses.find((s) => s.status === 'Submitted' || s.status === 'PreSubmitted'),
    );
    const open = await broker.orders.openOrders();
    expect(open.find((o) => o.orderId === orderId)).toMatchObject({
      orderRef: 'contract-limit-1',
      type: 'LMT',
      limitPrice: limit,
      quantity: 5,
      remaining: 5,
    });
    broker.orders.cancel(orderId);
    await waitFor('cancelled', () => statuses.find((s) => s.status === 'Cancelled'));
    const after = await broker.orders.openOrders();
    expect(after.find((o) => o.orderId === orderId)).toBeUndefined();
  });

  it('reports rejected orders through onOrderError', async () => {
    const errors: number[] = [];
    broker.orders.onOrderError((e) => errors.push(e.code));
    await h.sim.faults.rejectNext(1);
    broker.orders.place({
      orderId: broker.orders.nextOrderId(),
      orderRef: 'contract-reject-1',
      contract: aapl,
      side: 'BUY',
      quantity: 1,
      type: 'MKT',
      tif: 'DAY',
      account: 'DU1234567',
    });
    await waitFor('201', () => errors.includes(201));
  });

  it('reports the account summary of the traded account', async () => {
    const summary = await broker.account.summary();
    expect(summary.account).toBe('DU1234567');
    expect(summary.currency).toBe('USD');
    expect(summary.netLiquidation).toBeGreaterThan(0);
    expect(summary.totalCash).toBeGreaterThan(0);
    expect(summary.buyingPower).toBeGreaterThan(0);
  });

  it('refuses to trade when the account does not match the mode', async () => {
    const live = h.brokerage({ mode: 'live' });
    await live.connection.start();
    const state = live.connection.state();
    expect(state.status).toBe('DEGRADED');
    expect(state.reason).toMatch(/mode is live but IB reports only paper accounts/);
    expect(() =>
      live.orders.place({
        orderId: live.orders.nextOrderId(),
        orderRef: 'wrong-mode',
        contract: aapl,
        side: 'BUY',
        quantity: 1,
        type: 'MKT',
        tif: 'DAY',
        account: 'DU1234567',
      }),
    ).toThrow(/mode is live/);
    // Reads still work while degraded.
    expect((await live.contracts.resolve({ symbol: 'MSFT' }))[0]?.conId).toBe(272093);
    await live.connection.stop();
    expect(h.sim.orderLog().some((o) => o.orderRef === 'wrong-mode')).toBe(false);
  });
});
