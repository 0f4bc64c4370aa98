import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventName } from '@stoqey/ib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStateRecorder } from '../../src/brokerage/ib/index.js';
import type {
  BrokerContract,
  ConnectionStatus,
  QuoteUpdate,
  ReconcileReason,
} from '../../src/brokerage/index.js';
import { migrateToLatest, openStore, type Store } from '../../src/store/index.js';
import { delay, type Harness, startHarness, waitFor } from './sim-harness.js';

/** Scenario tests of the connection manager against the gateway's fault injection. */
describe('IB connection manager under gateway faults', () => {
  let h: Harness;
  let aapl: BrokerContract;

  beforeAll(async () => {
    h = await startHarness();
    const probe = h.brokerage();
    await probe.connection.start();
    const [found] = await probe.contracts.resolve({ symbol: 'AAPL' });
    if (!found) throw new Error('AAPL not resolved');
    aapl = found;
    await probe.connection.stop();
  });

  afterEach(async () => {
    await h.sim.faults.clear();
  });

  afterAll(async () => {
    await h.close();
  });

  function track(statuses: ConnectionStatus[], reasons: ReconcileReason[]) {
    const broker = h.brokerage();
    broker.connection.onStateChange((s) => statuses.push(s.status));
    broker.connection.onReconcileNeeded((r) => reasons.push(r));
    return broker;
  }

  it('gateway drop: reconnects, resubscribes quotes and asks for a reconcile', async () => {
    const statuses: ConnectionStatus[] = [];
    const reasons: ReconcileReason[] = [];
    const broker = track(statuses, reasons);
    await broker.connection.start();
    const updates: QuoteUpdate[] = [];
    broker.quotes.subscribe(aapl, (u) => updates.push(u));
    await waitFor('first quotes', () => updates.length > 0);
    await h.sim.faults.dropAll();
    await waitFor('reconnect', () => broker.connection.state().reconnectCount === 1);
    const seen = updates.length;
    await waitFor('quotes after reconnect', () => updates.length > seen);
    expect(statuses).toContain('DISCONNECTED');
    expect(broker.connection.state().status).toBe('CONNECTED');
    expect(reasons).toEqual(['startup', 'reconnect']);
    await broker.connection.stop();
  });

  it('gateway restart (refuse 1 s): recovers within 5 s of the gateway coming back', async () => {
    const statuses: ConnectionStatus[] = [];
    const reasons: ReconcileReason[] = [];
    const broker = track(statuses, reasons);
    await broker.connection.start();
    await h.sim.faults.refuse(1);
    const back = Date.now() + 1_000;
    await waitFor('not connected', () => broker.connection.state().status !== 'CONNECTED');
    expect(() =>
      broker.orders.place({
        orderId: 999_999,
        orderRef: 'while-down',
        contract: aapl,
        side: 'BUY',
        quantity: 1,
        type: 'MKT',
        tif: 'DAY',
        account: 'DU1234567',
      }),
    ).toThrow(/broker unavailable/);
    await waitFor('reconnected', () => broker.connection.state().status === 'CONNECTED', 10_000);
    expect(Date.now() - back).toBeLessThan(5_000);
    expect(reasons.at(-1)).toBe('reconnect');
    await delay(100);
    expect(h.sim.orderLog().some((o) => o.orderRef === 'while-down')).toBe(false);
    await broker.connection.stop();
  });

  it('IB reset 1100 -> 1101: DEGRADED, then resubscribes and reconciles (data lost)', async () => {
    const statuses: ConnectionStatus[] = [];
    const reasons: ReconcileReason[] = [];
    const broker = track(statuses, reasons);
    await broker.connection.start();
    const updates: QuoteUpdate[] = [];
    broker.quotes.subscribe(aapl, (u) => updates.push(u));
    await waitFor('first quotes', () => updates.length > 0);
    await h.sim.faults.reset('1101', 0.3);
    await waitFor('degraded', () => broker.connection.state().status === 'DEGRADED');
    expect(broker.connection.state().reason).toMatch(/^1100/);
    expect(() =>
      broker.orders.place({
        orderId: broker.orders.nextOrderId(),
        orderRef: 'during-1100',
        contract: aapl,
        side: 'BUY',
        quantity: 1,
        type: 'MKT',
        tif: 'DAY',
        account: 'DU1234567',
      }),
    ).toThrow(/1100/);
    await waitFor('restored', () => reasons.includes('restored-data-lost'));
    expect(broker.connection.state().status).toBe('CONNECTED');
    const seen = updates.length;
    // The gateway dropped the subscription at 1101: quotes flow again only if we resubscribed.
    await waitFor('quotes after 1101', () => updates.length > seen);
    expect(broker.connection.state().reconnectCount).toBe(0);
    await broker.connection.stop();
  });

  it('IB reset 1100 -> 1102: reconciles (data kept) without resubscribing', async () => {
    const reasons: ReconcileReason[] = [];
    const broker = track([], reasons);
    await broker.connection.start();
    await h.sim.faults.reset('1102', 0.2);
    await waitFor('restored', () => reasons.includes('restored-data-kept'));
    expect(reasons).toEqual(['startup', 'restored-data-kept']);
    expect(broker.connection.state().status).toBe('CONNECTED');
    await broker.connection.stop();
  });

  it('half-open socket: the heartbeat notices the silence and reconnects', async () => {
    const reasons: ReconcileReason[] = [];
    const statuses: ConnectionStatus[] = [];
    const broker = track(statuses, reasons);
    await broker.connection.start();
    await h.sim.faults.silence(1);
    await waitFor(
      'heartbeat timeout',
      () => broker.connection.state().lastError?.message.includes('heartbeat'),
      3_000,
    );
    await waitFor('reconnected', () => broker.connection.state().reconnectCount >= 1, 10_000);
    expect(broker.connection.state().status).toBe('CONNECTED');
    expect(reasons).toContain('reconnect');
    await broker.connection.stop();
  });

  it('duplicate client id: retries the same id and connects when the other client leaves', async () => {
    const first = h.brokerage({ clientId: 77 });
    await first.connection.start();
    const second = h.brokerage({ clientId: 77 });
    const reasons: string[] = [];
    second.connection.onStateChange((s) => {
      if (s.reason) reasons.push(s.reason);
    });
    const connected = second.connection.start();
    await waitFor('326 seen', () => reasons.some((r) => r.includes('326')));
    await delay(300);
    expect(second.connection.state().status).not.toBe('CONNECTED');
    await first.connection.stop();
    await connected;
    expect(second.connection.state()).toMatchObject({ status: 'CONNECTED', clientId: 77 });
    expect(reasons.filter((r) => r.includes('326')).length).toBeGreaterThanOrEqual(1);
    await second.connection.stop();
  });

  it('a broken data farm makes the state DEGRADED (orders refused) until the farm is back', async () => {
    const broker = h.brokerage();
    await broker.connection.start();
    // The library reports farm notices as info events; replay what TWS sends.
    const api = broker.ib.requireApi('test');
    api.emit(EventName.info, 'Market data farm connection is broken:usfarm', 2103);
    expect(broker.connection.state()).toMatchObject({
      status: 'DEGRADED',
      reason: 'data farm broken: 2103: Market data farm connection is broken:usfarm',
    });
    expect(() => broker.ib.requireTradable('order')).toThrow(/data farm broken/);
    api.emit(EventName.info, 'Market data farm connection is OK:usfarm', 2104);
    expect(broker.connection.state()).toMatchObject({ status: 'CONNECTED', reason: null });
    await broker.connection.stop();
  });

  it('records the current state and every transition in the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-rec-'));
    let store: Store | undefined;
    try {
      store = openStore({ dataRoot: dir });
      await migrateToLatest(store);
      const broker = h.brokerage();
      const recorder = new ConnectionStateRecorder(store.db, h.clock, 'paper');
      recorder.attach(broker.connection);
      await broker.connection.start();
      await h.sim.faults.dropAll();
      await waitFor('reconnect', () => broker.connection.state().reconnectCount === 1);
      await recorder.flush();
      const row = await store.db.selectFrom('ib_connection_state').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        id: 1,
        status: 'CONNECTED',
        reconnect_count: 1,
        mode: 'paper',
        accounts_masked: 'DU****67',
      });
      const history = await store.db.selectFrom('ib_connection_history').selectAll().orderBy('id').execute();
      const statuses = history.map((r) => r.status);
      // Nothing before the start: a replica that never connects leaves the trading replica's row alone.
      expect(statuses[0]).toBe('CONNECTING');
      expect(statuses).toEqual(expect.arrayContaining(['CONNECTING', 'CONNECTED', 'DISCONNECTED']));
      expect(statuses.filter((s) => s === 'CONNECTED')).toHaveLength(2);
      await broker.connection.stop();
      recorder.detach();
    } finally {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
